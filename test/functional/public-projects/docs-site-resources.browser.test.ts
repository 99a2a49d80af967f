import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs, serveDocs, type DocsServer, type TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

// A real headless Chromium (Debian's, installed by .ci/run), as test/functional/docs/docs-site.browser.test.ts.
const CHROMIUM = '/usr/bin/chromium';

let p: InlineProject;
let project: TsdbtProject;
let server: DocsServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  p = inlineProject({
    'models/orders.sql': 'select toInt32(1) as order_id, toDecimal64(10, 2) as order_total',
    'models/orders.yml': `models:
  - name: orders
unit_tests:
  - name: keeps_totals
    model: orders
    given: []
    expect: {rows: [{order_id: 1}]}
semantic_models:
  - name: orders_sm
    model: ref('orders')
    entities: [{name: order_id, type: primary}]
    measures: [{name: order_total, agg: sum}]
metrics:
  - name: revenue
    type: simple
    type_params: {measure: order_total}
exposures:
  - name: board
    type: dashboard
    owner: {email: a@b.c}
    depends_on: [ref('orders')]
`,
  });
  project = p.open();
  await project.build();
  await generateDocs(project);
  await project.close();
  server = await serveDocs({ targetDir: project.targetDir, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  p?.cleanup();
});

describe('docs site: unit tests, exposures and the semantic layer', () => {
  it('lists them in the sidebar and shows a unit test with its case and last run on its own page', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    const groups = await page.locator('#node-list .group-title').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
    expect(groups).toEqual(expect.arrayContaining(['model', 'unit_test', 'exposure', 'semantic_model', 'metric']));
    await page.goto(`${server.url}#!/node/${encodeURIComponent('unit_test.proj.orders.keeps_totals')}`);
    await expect.poll(() => page.locator('h1').innerText()).toMatch(/keeps_totals/);
    await expect.poll(() => page.locator('[data-test="definition"]').innerText()).toContain('"model": "orders"');
    await expect.poll(() => page.locator('[data-test="last-run"]').innerText()).toMatch(/pass/i);
    await page.goto(`${server.url}#!/node/${encodeURIComponent('metric.proj.revenue')}`);
    await expect.poll(() => page.locator('[data-test="definition"]').innerText()).toContain('order_total');
    expect(pageErrors).toEqual([]);
  });
});
