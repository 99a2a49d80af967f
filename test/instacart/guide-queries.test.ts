// Generated data (generate_instacart, scale 0.01, seed 42), a full build, then the guide's own verification
// (phase 4, step 19) and business validation (phase 7, step 28) queries, verbatim from
// examples/instacart/verification-queries.mjs, run the way examples/instacart/pipeline.mjs runs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../packages/core/src/index.js';
// @ts-ignore: plain ESM module without type declarations (test files are not type-checked)
import { VERIFICATION_QUERIES } from '../../examples/instacart/verification-queries.mjs';
import { num, openInstacart, problems, type InstacartProject } from './instacart-project.js';

const SCALE = 0.01;
const SEED = 42;

let ic: InstacartProject;
let build: RunResult;
const results = new Map<string, Record<string, unknown>[]>();

beforeAll(async () => {
  ic = openInstacart('guide');
  await ic.project.runOperation('generate_instacart', { scale: SCALE, seed: SEED });
  build = await ic.project.build();
  for (const [title, sql] of VERIFICATION_QUERIES as [string, string][]) results.set(title, await ic.project.show({ inline: sql, limit: -1 }));
});
afterAll(async () => {
  await ic?.close();
});

const rowsOf = (prefix: string): Record<string, unknown>[] => {
  const key = [...results.keys()].find((k) => k.startsWith(prefix));
  if (!key) throw new Error(`no verification query titled '${prefix}…'`);
  return results.get(key)!;
};
const nonIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);

const LIFECYCLE = ['Champions', 'loyal_customers', 'potential_loyalists', 'new_customers', 'at_risk', 'cannot_lose_them', 'hibernating_high_value', 'lost_customers', 'others'];
const STRENGTH = ['Very Strong', 'Strong', 'Moderate', 'Weak', 'No Association'];

/** The model's association_strength rule, recomputed. */
const strength = (lift: number, conf: number) =>
  lift >= 2 && conf >= 0.3 ? 'Very Strong' : lift >= 1.5 && conf >= 0.2 ? 'Strong' : lift >= 1.2 && conf >= 0.1 ? 'Moderate' : lift >= 1 ? 'Weak' : 'No Association';

describe(`generated data (scale ${SCALE}, seed ${SEED})`, () => {
  it('the generator produces its exact row counts', async () => {
    // sizes at scale 1 are the real data set; every count but departments / aisles is round(n * scale), products at least 500
    const users = Math.round(206209 * SCALE); // 2062
    const trainUsers = Math.round(131209 * SCALE); // 1312
    const orders = Math.round(3421083 * SCALE); // 34211
    const counts = await ic.query<{ t: string; n: string }>(`
      SELECT 'departments' AS t, count() AS n FROM raw.raw___insta_departments UNION ALL
      SELECT 'aisles', count() FROM raw.raw___insta_aisles UNION ALL
      SELECT 'products', count() FROM raw.raw___insta_products UNION ALL
      SELECT 'orders', count() FROM raw.raw___insta_orders UNION ALL
      SELECT 'prior lines', count() FROM raw.raw___insta_order_products_prior UNION ALL
      SELECT 'train lines', count() FROM raw.raw___insta_order_products_train UNION ALL
      SELECT 'users', uniqExact(user_id) FROM raw.raw___insta_orders UNION ALL
      SELECT concat(eval_set, ' orders'), count() FROM raw.raw___insta_orders GROUP BY eval_set UNION ALL
      SELECT 'first orders with NULL gap', countIf(order_number = 1 AND days_since_prior_order IS NULL) FROM raw.raw___insta_orders UNION ALL
      SELECT 'NULL gaps', countIf(days_since_prior_order IS NULL) FROM raw.raw___insta_orders`);
    expect(Object.fromEntries(counts.map((r) => [r.t, num(r.n)]))).toEqual({
      departments: 21,
      aisles: 134,
      products: Math.max(500, Math.round(49688 * SCALE)), // 500 (497 < 500)
      orders, // 34211
      'prior lines': Math.round(32434489 * SCALE), // 324345
      'train lines': Math.round(1384617 * SCALE), // 13846
      users,
      'train orders': trainUsers, // each user's last order is train or test
      'test orders': users - trainUsers, // 750
      'prior orders': orders - users, // 32149
      'first orders with NULL gap': users,
      'NULL gaps': users,
    });
    // shapes: 4 to 100 orders per user; gaps capped at 30; train lines only on train orders; each order's products distinct
    const [shape] = await ic.query<Record<string, string>>(`
      SELECT
        (SELECT min(n) FROM (SELECT count() AS n FROM raw.raw___insta_orders GROUP BY user_id)) AS min_orders,
        (SELECT max(n) FROM (SELECT count() AS n FROM raw.raw___insta_orders GROUP BY user_id)) AS max_orders,
        (SELECT max(days_since_prior_order) FROM raw.raw___insta_orders) AS max_gap,
        (SELECT countIf(eval_set != 'train') FROM raw.raw___insta_order_products_train AS l JOIN raw.raw___insta_orders AS o USING (order_id)) AS train_lines_off_train,
        (SELECT countIf(eval_set != 'prior') FROM raw.raw___insta_order_products_prior AS l JOIN raw.raw___insta_orders AS o USING (order_id)) AS prior_lines_off_prior,
        (SELECT count() - uniqExact(order_id, product_id) FROM raw.raw___insta_order_products_prior) AS duplicate_lines`);
    expect(Object.fromEntries(Object.entries(shape!).map(([k, v]) => [k, num(v)]))).toEqual({
      min_orders: 4, max_orders: expect.toSatisfy((n: number) => n > 4 && n <= 100), max_gap: 30,
      train_lines_off_train: 0, prior_lines_off_prior: 0, duplicate_lines: 0,
    });
  });

  it('builds all 16 models, every data test and singular test passing', () => {
    expect(problems(build)).toEqual([]);
    expect(build.success).toBe(true);
    expect(build.interrupted).toBe(false);
    expect(build.results.filter((r) => r.node.resourceType === 'model')).toHaveLength(16);
    const tests = build.results.filter((r) => r.node.resourceType === 'test');
    expect(tests.length).toBeGreaterThan(200);
    expect(tests.filter((r) => r.node.name.startsWith('assert_')).map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('runs the six guide queries, each returning rows', () => {
    expect([...results.keys()]).toHaveLength(6);
    for (const [title, rows] of results) expect(rows.length, title).toBeGreaterThan(0);
  });

  it('step 19: top products by volume', async () => {
    const rows = rowsOf('Step 19: Top products by volume');
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0]!)).toEqual(['product_name', 'total_quantity_sold', 'reorder_rate', 'abc_classification']);
    expect(nonIncreasing(rows.map((r) => num(r.total_quantity_sold)))).toBe(true);
    for (const r of rows) {
      expect(typeof r.product_name === 'string' && r.product_name.length > 0).toBe(true);
      expect(num(r.total_quantity_sold)).toBeGreaterThan(0);
      expect(num(r.reorder_rate)).toBeGreaterThanOrEqual(0);
      expect(num(r.reorder_rate)).toBeLessThanOrEqual(1);
      // the 10 best sellers of 500 products are in the top 20 %
      expect(r.abc_classification).toBe('A - Top 20%');
    }
  });

  it('step 19: customer churn segments', async () => {
    const rows = rowsOf('Step 19: Customer churn segments');
    expect(Object.keys(rows[0]!)).toEqual(['lifecycle_segment', 'customers', 'avg_churn_prob']);
    // one row per segment, the segments partition the 2062 customers
    expect(new Set(rows.map((r) => r.lifecycle_segment)).size).toBe(rows.length);
    for (const r of rows) expect(LIFECYCLE).toContain(r.lifecycle_segment);
    expect(rows.reduce((s, r) => s + num(r.customers), 0)).toBe(Math.round(206209 * SCALE));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    // probabilities are 0.1 .. 0.9 (0.9 / 0.75 need gaps > 45 days, which the capped source never has)
    for (const r of rows) {
      expect(num(r.avg_churn_prob)).toBeGreaterThanOrEqual(0.1 - 1e-9);
      expect(num(r.avg_churn_prob)).toBeLessThanOrEqual(0.6 + 1e-9);
    }
    expect(nonIncreasing(rows.map((r) => num(r.avg_churn_prob)))).toBe(true);
  });

  it('step 19: top product associations', async () => {
    const rows = rowsOf('Step 19: Top product associations');
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0]!)).toEqual(['product_a_name', 'product_b_name', 'lift', 'confidence_a_to_b', 'association_strength']);
    expect(nonIncreasing(rows.map((r) => num(r.lift)))).toBe(true);
    for (const r of rows) {
      expect(num(r.lift)).toBeGreaterThanOrEqual(1); // the model keeps positive associations only
      expect(num(r.confidence_a_to_b)).toBeGreaterThan(0);
      expect(num(r.confidence_a_to_b)).toBeLessThanOrEqual(1);
      expect(STRENGTH).toContain(r.association_strength);
      expect(r.association_strength).toBe(strength(num(r.lift), num(r.confidence_a_to_b)));
    }
  });

  it('step 28.1: top products by volume have higher reorder rates than the average product', async () => {
    const rows = rowsOf('Step 28.1');
    expect(rows).toHaveLength(20);
    expect(Object.keys(rows[0]!)).toEqual(['product_name', 'total_quantity_sold', 'reorder_rate']);
    expect(nonIncreasing(rows.map((r) => num(r.total_quantity_sold)))).toBe(true);
    for (const r of rows) {
      expect(num(r.reorder_rate)).toBeGreaterThanOrEqual(0);
      expect(num(r.reorder_rate)).toBeLessThanOrEqual(1);
    }
    // the first 10 rows are step 19's top 10
    expect(rows.slice(0, 10).map((r) => r.product_name)).toEqual(rowsOf('Step 19: Top products by volume').map((r) => r.product_name));
    const [all] = await ic.query<{ avg_rate: number }>('SELECT avg(reorder_rate) AS avg_rate FROM mart.g2_v2_analytics_product_performance');
    const top = rows.reduce((s, r) => s + num(r.reorder_rate), 0) / rows.length;
    expect(top).toBeGreaterThan(num(all!.avg_rate));
  });

  it('step 28.2: high-value customers have larger baskets', async () => {
    const rows = rowsOf('Step 28.2');
    expect(Object.keys(rows[0]!)).toEqual(['customer_value_tier', 'avg_basket_size', 'avg_reorder_rate', 'customer_count']);
    expect(rows.map((r) => r.customer_value_tier)).toEqual(['High Value', 'Medium Value', 'Low Value', 'New Customer']);
    expect(nonIncreasing(rows.map((r) => num(r.avg_basket_size)))).toBe(true);
    expect(rows.reduce((s, r) => s + num(r.customer_count), 0)).toBe(Math.round(206209 * SCALE));
    for (const r of rows) {
      expect(num(r.avg_basket_size)).toBeGreaterThan(0);
      expect(num(r.avg_basket_size)).toBeLessThanOrEqual(145); // baskets are 1 to 145 lines
      expect(num(r.avg_reorder_rate)).toBeGreaterThanOrEqual(0);
      expect(num(r.avg_reorder_rate)).toBeLessThanOrEqual(1);
    }
  });

  it('step 28.3: strong associations (lift >= 2)', async () => {
    const rows = rowsOf('Step 28.3');
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0]!)).toEqual(['product_a_name', 'product_b_name', 'product_a_dept', 'product_b_dept', 'lift', 'confidence_a_to_b']);
    expect(nonIncreasing(rows.map((r) => num(r.lift)))).toBe(true);
    const departments = (await ic.query<{ d: string }>('SELECT department AS d FROM raw.raw___insta_departments')).map((r) => r.d);
    for (const r of rows) {
      expect(num(r.lift)).toBeGreaterThanOrEqual(2);
      expect(num(r.confidence_a_to_b)).toBeGreaterThan(0);
      expect(num(r.confidence_a_to_b)).toBeLessThanOrEqual(1);
      expect(departments).toContain(r.product_a_dept);
      expect(departments).toContain(r.product_b_dept);
    }
  });

  it('market basket: support, confidence and lift agree with the pair counts', async () => {
    // the whole table (not only the guide's top 10): 1000 pairs, each in >= 10 orders, lift >= 1
    const [m] = await ic.query<Record<string, string | number>>(`
      WITH (SELECT uniqExact(order_id) FROM mart.g2_v2_fact_order_products_star) AS n
      SELECT count() AS pairs, min(orders_with_both) AS min_both, min(lift) AS min_lift,
             max(abs(support - orders_with_both / n)) AS support_err,
             max(abs(confidence_a_to_b - orders_with_both / product_a_total_orders)) AS conf_err,
             max(abs(lift - orders_with_both * n / (product_a_total_orders * product_b_total_orders))) AS lift_err,
             countIf(product_a_id >= product_b_id) AS unordered,
             countIf(customers_buying_both < 1 OR customers_buying_both > orders_with_both) AS bad_customers
      FROM mart.g2_v2_analytics_market_basket`);
    expect(num(m!.pairs)).toBe(1000);
    expect(num(m!.min_both)).toBeGreaterThanOrEqual(10);
    expect(num(m!.min_lift)).toBeGreaterThanOrEqual(1);
    expect(num(m!.support_err)).toBeLessThan(1e-12);
    expect(num(m!.conf_err)).toBeLessThan(1e-12);
    expect(num(m!.lift_err)).toBeLessThan(1e-9);
    expect(num(m!.unordered)).toBe(0);
    expect(num(m!.bad_customers)).toBe(0);
  });
});
