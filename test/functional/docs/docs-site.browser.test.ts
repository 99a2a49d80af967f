import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs, serveDocs, type DocsServer } from '../../../packages/core/src/docs/index.js';
import { CLI } from '../../helpers/cli.js';
import { buildDocsProject, type DocsProject } from './docs-fixture.js';

// A real headless Chromium (Debian's, installed by .ci/run) drives the generated site.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_DIR = '/tmp';

let fx: DocsProject;
let server: DocsServer;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  fx = await buildDocsProject();
  await generateDocs(fx.project);
  await fx.project.close(); // serve needs no warehouse
  server = await serveDocs({ targetDir: fx.project.targetDir, port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fx?.p.cleanup();
});

const hashOf = (p: Page) => decodeURIComponent(new URL(p.url()).hash);
const texts = (selector: string) => page.locator(selector).allInnerTexts();
/** Each test starts from a freshly loaded site, so the tests pass in any order. */
async function openSite(): Promise<void> {
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
}

describe('docs site in a browser', () => {
  it('opens on an overview with counts, the last run and the whole lineage', async () => {
    await openSite();
    await expect.poll(() => page.locator('#project-name').innerText()).toBe('shop');
    expect(await texts('.cards .kpi .l')).toEqual(['MODELS', 'SOURCES', 'SEEDS', 'TESTS']);
    expect(await texts('.cards .kpi .n')).toEqual(['7', '1', '1', '4']);
    expect(await page.locator('.run .status').first().innerText()).toMatch(/pass|success/);
    // every source, seed and model, no tests
    expect(await page.locator('.lineage svg g.gnode').count()).toBe(9);
  });

  it('searches the sidebar and opens a model page with its columns, tests, last run, SQL and neighbours', async () => {
    await openSite();
    await page.fill('#search', 'revenue');
    await expect.poll(() => texts('#node-list a.item')).toEqual(['customer_orders']);
    await page.fill('#search', 'cust');
    const found = await texts('#node-list a.item');
    expect(found).toContain('customer_orders');
    expect(found).toContain('customers');
    expect(found).not.toContain('shop_dq_dashboard');
    await page.fill('#search', 'zzz-nothing');
    await expect.poll(() => page.locator('#node-list').innerText()).toContain('Nothing matches');
    await page.fill('#search', 'customer_orders');
    await page.press('#search', 'Enter');
    await expect.poll(() => hashOf(page)).toBe('#!/node/model.shop.customer_orders');

    await expect.poll(() => page.locator('main h1').innerText()).toContain('customer_orders');
    expect(await page.locator('main .desc').first().innerText()).toBe('Orders and revenue per customer.');
    expect(await page.locator('[data-test="last-run"] .status').innerText()).toBe('success');
    const total = page.locator('table.columns tr[data-column="total"] td');
    expect(await total.allInnerTexts()).toEqual(['total', 'Float64', 'Revenue of the customer', '']);
    const idCells = page.locator('table.columns tr[data-column="customer_id"] td');
    expect(await idCells.nth(3).innerText()).toBe('unique');
    expect(await idCells.nth(3).locator('a.status').getAttribute('class')).toContain('good'); // the test passed
    expect(await page.locator('pre.sql').innerText()).toContain(`\`${fx.p.schema}\`.\`orders\``);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'tsdbt-docs-model.png'), fullPage: false });
    await page.click('.tabs button[data-tab="source"]');
    expect(await page.locator('pre.sql').innerText()).toContain("{{ ref('orders') }}");

    expect(await texts('.upstream li')).toEqual(['customers', 'eph_countries', 'orders'].map((n) => expect.stringContaining(n)));
    expect(await texts('.downstream li')).toEqual([expect.stringContaining('shop_kpi_dashboard')]);
    // its neighbourhood: two hops up and down, itself highlighted
    const graph = page.locator('.lineage').first();
    expect(await graph.locator('g.gnode.focus').getAttribute('data-id')).toBe('model.shop.customer_orders');
    const ids = await graph.locator('g.gnode').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    expect(ids).toEqual(['model.shop.customer_orders', 'model.shop.eph_countries', 'model.shop.orders', 'model.shop.shop_kpi_dashboard', 'model.shop.stg_events', 'seed.shop.customers']);
  });

  it('clicks through the lineage graph from a model back to its source', async () => {
    await openSite();
    await page.fill('#search', 'customer_orders');
    await page.press('#search', 'Enter');
    await expect.poll(() => hashOf(page)).toBe('#!/node/model.shop.customer_orders');
    await page.locator('.lineage g.gnode[data-id="model.shop.orders"]').click();
    await expect.poll(() => hashOf(page)).toBe('#!/node/model.shop.orders');
    await expect.poll(() => page.locator('main h1').innerText()).toContain('orders');
    await expect.poll(() => page.locator('.lineage g.gnode.focus').getAttribute('data-id')).toBe('model.shop.orders');
    await page.locator('.lineage g.gnode[data-id="model.shop.stg_events"]').click();
    await expect.poll(() => hashOf(page)).toBe('#!/node/model.shop.stg_events');
    await expect.poll(() => page.locator('main .sub').first().innerText()).toContain('view');
    await page.locator('.lineage g.gnode[data-id="source.shop.raw.events"]').click();
    await expect.poll(() => page.locator('main h1').innerText()).toContain('raw.events');
    await expect.poll(() => page.locator('main .desc').first().innerText()).toBe('One row per purchase event');
    await expect.poll(() => page.locator('table.columns tr[data-column="amount"] td').nth(1).innerText()).toBe('Decimal(10, 2)');
    // the project lineage page: whole graph, left to right, readable
    await page.click('header nav a[data-page="lineage"]');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('Project lineage');
    const svg = page.locator('.lineage svg');
    expect(await svg.locator('g.gnode').count()).toBe(9);
    expect(Number(await svg.getAttribute('data-crossings'))).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'tsdbt-docs-lineage.png') });
    const x = async (id: string) => (await svg.locator(`g.gnode[data-id="${id}"]`).boundingBox())!.x;
    expect(await x('source.shop.raw.events')).toBeLessThan(await x('model.shop.stg_events'));
    expect(await x('model.shop.stg_events')).toBeLessThan(await x('model.shop.orders'));
    expect(await x('model.shop.customer_orders')).toBeLessThan(await x('model.shop.shop_kpi_dashboard'));
    await svg.locator('g.gnode[data-id="model.shop.never_built"]').click();
    await expect.poll(() => page.locator('main h1').innerText()).toContain('never_built');
    expect(await page.locator('[data-test="last-run"]').count()).toBe(0); // never run
    expect(await page.locator('main').innerText()).toContain('not in the last run_results.json');
  });

  it('shows the dashboards as tables with status colours and a bar chart per KPI category', async () => {
    await openSite();
    await page.click('header nav a[data-page="dashboards"]');
    await page.waitForSelector('section[data-dashboard]');
    expect(await page.locator('section[data-dashboard]').evaluateAll((els) => els.map((e) => e.getAttribute('data-dashboard')))).toEqual(['shop_dq_dashboard', 'shop_kpi_dashboard']);
    const dq = page.locator('section[data-dashboard="shop_dq_dashboard"]');
    expect(await dq.locator('td[data-status="good"]').innerText()).toBe('PASS');
    expect(await dq.locator('td[data-status="warn"]').innerText()).toBe('WARNING');
    expect(await dq.locator('td[data-status="bad"]').innerText()).toBe('FAIL');
    const failColour = await dq.locator('td[data-status="bad"] .status').evaluate((el) => getComputedStyle(el).color);
    expect(failColour).toBe('rgb(214, 69, 69)');
    // DQ: one check per category, so one chart over all checks
    expect(await dq.locator('.chart-card').count()).toBe(1);

    const kpi = page.locator('section[data-dashboard="shop_kpi_dashboard"]');
    expect(await kpi.locator('.chart-card h3').allInnerTexts()).toEqual(['Customers', 'Revenue']);
    const revenue = kpi.locator('.chart-card').nth(1);
    expect(await revenue.locator('rect.bar').count()).toBe(2);
    expect(await revenue.locator('text.bar-label').allTextContents()).toEqual(['Total revenue', 'Average order']);
    expect(await revenue.locator('text.bar-value').first().textContent()).toBe('136.75 EUR / 100');
    expect(await revenue.locator('rect.bar').first().getAttribute('class')).toBe('bar warn'); // "Good" is amber in the reference dashboard
    expect(await kpi.locator('.chart-card').first().locator('rect.bar').first().getAttribute('class')).toBe('bar bad'); // Needs Attention
    expect(await kpi.locator('line.target').count()).toBe(4);
    expect(await kpi.locator('table td[data-status]').count()).toBe(4);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'tsdbt-docs-dashboards.png'), fullPage: true });
    // the overview links to each dashboard with its status counts
    await page.click('header nav a[data-page="overview"]');
    await expect.poll(() => page.locator('main h1').innerText()).toBe('shop');
    expect(await page.locator('a.card', { hasText: 'shop_dq_dashboard' }).innerText()).toMatch(/FAIL: 1[\s\S]*PASS: 1[\s\S]*WARNING: 1/);
  });

  it('opens a column lineage page from a model column: upstream to the source, downstream to the dashboard', async () => {
    await openSite();
    await page.goto(`${server.url}#!/node/model.shop.customer_orders`);
    await expect.poll(() => page.locator('main h1').innerText()).toContain('customer_orders');
    await page.locator('table.columns tr[data-column="total"] td:first-child a').click();
    await expect.poll(() => hashOf(page)).toBe('#!/column/model.shop.customer_orders/total');
    await expect.poll(() => page.locator('main h1').innerText()).toContain('customer_orders.total');
    expect(await page.locator('main .sub code').innerText()).toBe('Float64');
    // sum(o.amount): computed from orders.amount, itself toFloat64(stg_events.amount), from the source's amount
    expect(await page.locator('table.col-lineage.upstream tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-column')} ${r.getAttribute('data-kind')}`))).toEqual([
      'orders.amount transformation',
      'stg_events.amount transformation',
      'raw.events.amount passthrough',
    ]);
    expect(await page.locator('table.col-lineage.downstream tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-column')} ${r.getAttribute('data-kind')}`))).toEqual([]);
    const graph = page.locator('svg.column-graph');
    expect(await graph.locator('g.gnode.focus').getAttribute('data-column')).toBe('model.shop.customer_orders\u0001total');
    expect(await graph.locator('g.gnode').count()).toBe(4);
    // join and group-by keys on request: customer_id decides the rows
    await page.check('#col-keys');
    await expect.poll(() => page.locator('table.col-lineage.upstream tbody tr[data-kind="join"]').count()).toBeGreaterThan(0);
    expect(await page.locator('table.col-lineage.upstream tbody tr[data-kind="join"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')).sort())).toEqual(
      expect.arrayContaining(['customers.customer_id', 'orders.customer_id']),
    );
    expect(await graph.count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'tsdbt-docs-column-lineage.png') });
    // a click on a column of the graph opens its own page: orders.amount feeds the total, the KPI
    // dashboard, and never_built's SELECT * (lineage comes from the SQL: built or not)
    await page.locator('svg.column-graph g.gnode[data-column="model.shop.orders\u0001amount"]').click();
    await expect.poll(() => hashOf(page)).toBe('#!/column/model.shop.orders/amount');
    await expect.poll(() => page.locator('table.col-lineage.downstream tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')).sort())).toEqual([
      'customer_orders.total', 'never_built.amount', 'shop_kpi_dashboard.metric_value',
    ]);
    expect(await page.locator('table.col-lineage.upstream tbody tr').first().getAttribute('data-kind')).toBe('transformation'); // toFloat64(amount)
  });

  it('loads nothing but its own server, with no script errors', async () => {
    // its own visit of every page (other tests' visits add to the same lists, in any order)
    await openSite();
    for (const pageName of ['lineage', 'dashboards', 'overview']) {
      await page.click(`header nav a[data-page="${pageName}"]`);
      await page.waitForLoadState('networkidle');
    }
    expect(requests.length).toBeGreaterThan(4);
    expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('tsdbt docs serve (CLI)', () => {
  it('serves the target folder on the given port and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'docs', 'serve', '--port', '0', '--host', '127.0.0.1', '--project-dir', fx.p.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d) => (out += String(d)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /at (http:\/\/\S+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`docs serve exited: ${out}`)));
    });
    const manifest = await (await fetch(url + 'manifest.json')).json();
    expect(manifest.metadata.project_name).toBe('shop');
    expect((await fetch(url)).headers.get('content-type')).toContain('text/html');
    expect((await fetch(url + '../profiles.yml')).status).toBe(404);
    expect((await fetch(url + 'profiles.yml')).status).toBe(404);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
