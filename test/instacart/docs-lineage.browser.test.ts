import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs, serveDocs, type DocsServer } from '../../packages/core/src/docs/index.js';
import { openInstacart, type InstacartProject } from './instacart-project.js';

// A real headless Chromium (Debian's, installed by .ci/run) on the reference project's docs.
const CHROMIUM = '/usr/bin/chromium';

let ic: InstacartProject;
let server: DocsServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  // Nothing built: the column lineage and types come from the analysis (sources.yml's data_type).
  ic = openInstacart('docs-lineage');
  const result = await generateDocs(ic.project);
  expect(result.lineage).toEqual({ nodes: expect.any(Number), errors: 0 });
  await ic.project.close();
  server = await serveDocs({ targetDir: ic.project.targetDir, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ic?.close();
});

const rowsOf = (selector: string) => page.locator(selector).evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-column')} ${r.getAttribute('data-kind')}`));

describe('the reference project in the docs site', () => {
  it('shows every model column typed, and each column lineage down to the raw sources', async () => {
    await page.goto(`${server.url}#!/node/model.instacart.g2_v2_fact_orders_star`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('table.columns tr[data-column="days_since_prior_order"] td').nth(1).innerText()).toBe('Nullable(UInt16)');
    await page.locator('table.columns tr[data-column="user_id"] td:first-child a').click();
    await expect.poll(() => page.locator('main h1').innerText()).toContain('g2_v2_fact_orders_star.user_id');
    expect(await rowsOf('table.col-lineage.upstream tbody tr')).toEqual(['g2_v2_orders_3nf.user_id passthrough', 'raw.raw___insta_orders.user_id transformation']);
    // one step up, and what is computed from it: users, the customer dimension, the churn analytics
    await page.locator('table.col-lineage.upstream a', { hasText: 'g2_v2_orders_3nf.user_id' }).click();
    await expect.poll(() => page.locator('main h1').innerText()).toContain('g2_v2_orders_3nf.user_id');
    const downstream = await rowsOf('table.col-lineage.downstream tbody tr');
    expect(downstream).toEqual(expect.arrayContaining(['g2_v2_users_3nf.user_id transformation', 'g2_v2_dim_customers.user_id passthrough', 'g2_v2_analytics_customer_churn.user_id passthrough']));
    expect(await page.locator('svg.column-graph g.gnode').count()).toBeGreaterThan(5);
    expect(pageErrors).toEqual([]);
  });
});
