// Loading the raw tables from CSV files in the real Kaggle format (`tsdbt source load`): sources.yml declares
// `external.location: "{{ env_var('INSTACART_CSV_DIR', 'data') }}/<file>.csv"`, format CSVWithNames, and a
// data_type per column. The data set is the hand-written one of hand-computed.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../packages/core/src/index.js';
import { AISLES, DEPARTMENTS, KAGGLE_FILES, lineRows, ORDERS, PRODUCTS, rawTableDdl, writeKaggleCsvs } from './hand-dataset.js';
import { num, openInstacart, problems, type InstacartProject } from './instacart-project.js';

let ic: InstacartProject;
let csvDir: string;
let load: RunResult;

beforeAll(async () => {
  // the CSV dir is created before the project is opened: env_var() is read when the project loads
  csvDir = mkdtempSync(join(tmpdir(), 'tsdbt-instacart-csv-'));
  writeKaggleCsvs(csvDir);
  ic = openInstacart('csv', { env: { ...process.env, INSTACART_CSV_DIR: csvDir } });
  load = await ic.project.sourceLoad();
});
afterAll(async () => {
  await ic?.close();
  if (csvDir) rmSync(csvDir, { recursive: true, force: true });
});

describe('source load from Kaggle-format CSV files', () => {
  it('writes the files with the Kaggle headers, an empty gap on first orders and quoted names', () => {
    for (const [file, header] of Object.entries(KAGGLE_FILES)) expect(readFileSync(join(csvDir, file), 'utf8').split('\n')[0]).toBe(header);
    const orders = readFileSync(join(csvDir, 'orders.csv'), 'utf8').split('\n');
    expect(orders[1]).toBe('101,1,prior,1,0,9,'); // first order: days_since_prior_order empty
    expect(orders[2]).toBe('102,1,prior,2,1,10,7.0'); // written as a float, as in the Kaggle file
    expect(readFileSync(join(csvDir, 'products.csv'), 'utf8')).toContain('8,"Tortilla Chips, Sea Salt",5,3');
  });

  it('loads the six raw tables', async () => {
    expect(problems(load)).toEqual([]);
    expect(load.success).toBe(true);
    expect(Object.fromEntries(load.results.map((r) => [r.node.name, [r.status, r.rowsAffected]]))).toEqual({
      raw___insta_departments: ['success', 4],
      raw___insta_aisles: ['success', 7],
      raw___insta_products: ['success', 10],
      raw___insta_orders: ['success', 23],
      raw___insta_order_products_prior: ['success', 47],
      raw___insta_order_products_train: ['success', 7],
    });
    const counts = await ic.query<{ t: string; n: string }>(`
      SELECT 'departments' AS t, count() AS n FROM raw.raw___insta_departments UNION ALL
      SELECT 'aisles', count() FROM raw.raw___insta_aisles UNION ALL
      SELECT 'products', count() FROM raw.raw___insta_products UNION ALL
      SELECT 'orders', count() FROM raw.raw___insta_orders UNION ALL
      SELECT 'prior', count() FROM raw.raw___insta_order_products_prior UNION ALL
      SELECT 'train', count() FROM raw.raw___insta_order_products_train`);
    expect(Object.fromEntries(counts.map((r) => [r.t, num(r.n)]))).toEqual({
      departments: DEPARTMENTS.length, aisles: AISLES.length, products: PRODUCTS.length, orders: ORDERS.length,
      prior: lineRows('prior').length, train: lineRows('train').length,
    });
  });

  it('gives the tables the same columns and types as the generator (generate_instacart)', async () => {
    for (const ddl of rawTableDdl()) {
      const table = /raw\.(\w+)/.exec(ddl)![1]!;
      const described = (await ic.query<{ name: string; type: string }>(`DESCRIBE TABLE raw.${table}`)).map((c) => `${c.name} ${c.type}`);
      const declared = /\((.*)\) ENGINE/.exec(ddl)![1]!.split(/,\s*(?![^(]*\))/).map((c) => c.trim());
      expect(described, table).toEqual(declared);
    }
  });

  it('reads the empty days_since_prior_order as NULL (not 0), and names with commas whole', async () => {
    const rows = await ic.query<{ order_id: number; order_number: number; days_since_prior_order: number | null }>(
      'SELECT order_id, order_number, days_since_prior_order FROM raw.raw___insta_orders ORDER BY order_id');
    expect(rows.filter((r) => r.days_since_prior_order === null).map((r) => num(r.order_id))).toEqual([101, 201, 301, 401]);
    expect(rows.filter((r) => r.days_since_prior_order === null).every((r) => num(r.order_number) === 1)).toBe(true);
    expect(rows.map((r) => (r.days_since_prior_order === null ? null : num(r.days_since_prior_order)))).toEqual(ORDERS.map((o) => o[6]));
    const [p] = await ic.query<{ product_name: string }>('SELECT product_name FROM raw.raw___insta_products WHERE product_id = 8');
    expect(p!.product_name).toBe('Tortilla Chips, Sea Salt');
  });

  it('builds on the loaded data: every model, data test and singular test passes', async () => {
    const build = await ic.project.build();
    expect(problems(build)).toEqual([]);
    expect(build.success).toBe(true);
    expect(build.results.filter((r) => r.node.resourceType === 'model')).toHaveLength(16);
    // a few of the hand-computed values (see hand-computed.test.ts): the NULL gap is skipped by AVG
    const [u1] = await ic.query<Record<string, unknown>>('SELECT avg_days_between_orders, avg_basket_size FROM clean.g2_v2_users_3nf WHERE user_id = 1');
    expect(num(u1!.avg_days_between_orders)).toBeCloseTo(9, 12); // 90 / 10 gaps, the first order's NULL skipped
    expect(num(u1!.avg_basket_size)).toBeCloseTo(26 / 11, 12);
    const [pair] = await ic.query<Record<string, unknown>>('SELECT product_b_name, orders_with_both, lift FROM mart.g2_v2_analytics_market_basket WHERE product_a_id = 1');
    expect(pair!.product_b_name).toBe('Whole Milk');
    expect(num(pair!.orders_with_both)).toBe(11);
    expect(num(pair!.lift)).toBeCloseTo((21 * 11) / (15 * 13), 12);
    const first = await ic.query<{ n: string }>("SELECT count() AS n FROM mart.g2_v2_dim_time_star WHERE purchase_recency = 'First Order'");
    expect(num(first[0]!.n)).toBe(4);
  });
});
