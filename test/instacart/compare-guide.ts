// Compares a built performance-rewritten model with the guide's minimally fixed SQL in test/reference/guide_sql/.
//
// Floating point: the rewrites compute averages and ratios from other sums than the guide (e.g. sum / count of
// pre-aggregated rows instead of AVG over lines), so Float64 columns may differ in the last bits. The comparison is
//   1. same column names, order and types (DESCRIBE of the table vs DESCRIBE of the guide's query; a rewrite may store
//      a column as LowCardinality(T) where the guide has T: a storage encoding of the same values, compared as T);
//   2. same number of rows, and the key unique on both sides;
//   3. (model EXCEPT ALL guide) and (guide EXCEPT ALL model) both empty over every non-float column (exact);
//   4. joined on the key, every Float64 column equal within 1e-9 (relative), NULL where the other is NULL.
// 3 + 4 amount to "EXCEPT both ways empty on rounded values", without the flakiness of rounding a value that
// sits on a rounding boundary. Whether the rows are also bit-identical (exact EXCEPT ALL over all columns) is
// returned, not asserted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { num, ROOT, type InstacartProject } from './instacart-project.js';

export const GUIDE_DIR = join(ROOT, 'test/reference/guide_sql');

/** The key of each rewritten model (unique per row). */
export const KEYS: Record<string, string[]> = {
  g2_v2_fact_order_products_star: ['order_id', 'product_id'],
  g2_v2_fact_orders_star: ['order_id'],
  g2_v2_analytics_product_performance: ['product_id'],
  g2_v2_analytics_market_basket: ['product_a_id', 'product_b_id'],
};

/** The models that have a reference file, sorted. */
export function guideModels(dir = GUIDE_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
}

const q = (name: string) => `\`${name}\``;
const isFloat = (type: string) => /^(Nullable\()?Float(32|64)\)?$/.test(type);
/** The type of the values a column holds: LowCardinality(T) is T stored as a dictionary. */
const valueType = (type: string) => type.replace(/^LowCardinality\((.*)\)$/, '$1');

/**
 * Asserts that mart.<model> holds the rows of the guide's SQL for it (see the header), and returns the row count
 * and how many rows differ at all (in the last bits of floats).
 */
export async function expectSameRowsAsGuide(ic: InstacartProject, model: string, dir = GUIDE_DIR): Promise<{ rows: number; bitDifferences: number }> {
  const guideSql = ic.project.compileInline(readFileSync(join(dir, `${model}.sql`), 'utf8'));
  expect(guideSql).toMatch(/`(mart|clean)`\.`g2_v2_\w+`/); // refs resolved to the built relations
  expect(guideSql).not.toMatch(/\{\{|\{%/);
  const table = `mart.${q(model)}`;
  const client = (await ic.project.adapter()).client;

  // 1. columns and types (of the guide's query, as its table would have them)
  const describe = async (what: string) => (await ic.query<{ name: string; type: string }>(`DESCRIBE ${what}`)).map((c) => [c.name, valueType(c.type)] as [string, string]);
  const modelColumns = await describe(`TABLE ${table}`);
  expect(modelColumns.length).toBeGreaterThan(0);
  expect(modelColumns, `${model}: columns and types`).toEqual(await describe(`(\n${guideSql}\n)`));

  // the guide's rows, computed once (its market-basket self-join is the slow part)
  const guide = `guide_ref.${q(model)}`;
  await client.command('CREATE DATABASE IF NOT EXISTS guide_ref');
  await client.command(`DROP TABLE IF EXISTS ${guide}`);
  await client.command(`CREATE TABLE ${guide} ENGINE = MergeTree ORDER BY tuple() AS\n${guideSql}`);
  expect(await describe(`TABLE ${guide}`)).toEqual(modelColumns);

  // 2. row counts and key uniqueness
  const keyList = KEYS[model]!.map(q).join(', ');
  const [counts] = await ic.query<Record<string, string>>(`
    SELECT (SELECT count() FROM ${table}) AS model_rows, (SELECT uniqExact(${keyList}) FROM ${table}) AS model_keys,
           (SELECT count() FROM ${guide}) AS guide_rows, (SELECT uniqExact(${keyList}) FROM ${guide}) AS guide_keys`);
  const c = Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, num(v)]));
  const rows = c.model_rows!;
  expect(c, `${model}: row counts`).toEqual({ model_rows: rows, model_keys: rows, guide_rows: rows, guide_keys: rows });

  // 3. EXCEPT ALL both ways over the non-float columns
  const exact = modelColumns.filter(([, t]) => !isFloat(t)).map(([n]) => q(n)).join(', ');
  const floats = modelColumns.filter(([, t]) => isFloat(t)).map(([n]) => n);
  const [diff] = await ic.query<Record<string, string>>(`
    SELECT (SELECT count() FROM (SELECT ${exact} FROM ${table} EXCEPT ALL SELECT ${exact} FROM ${guide})) AS model_except_guide,
           (SELECT count() FROM (SELECT ${exact} FROM ${guide} EXCEPT ALL SELECT ${exact} FROM ${table})) AS guide_except_model`);
  expect({ model, ...Object.fromEntries(Object.entries(diff!).map(([k, v]) => [k, num(v)])) }).toEqual({ model, model_except_guide: 0, guide_except_model: 0 });

  // 4. float columns, paired by key
  if (floats.length) {
    const checks = floats.flatMap((f) => [
      `max(abs(m.${q(f)} - g.${q(f)}) / greatest(abs(g.${q(f)}), 1)) AS ${q(`${f}__rel_err`)}`,
      `countIf(isNull(m.${q(f)}) != isNull(g.${q(f)})) AS ${q(`${f}__null_mismatch`)}`,
    ]);
    const [errors] = await ic.query<Record<string, unknown>>(`
      SELECT count() AS paired, ${checks.join(', ')}
      FROM ${table} AS m INNER JOIN ${guide} AS g USING (${keyList})`);
    expect(num(errors!.paired)).toBe(rows);
    for (const f of floats) {
      expect(num(errors![`${f}__null_mismatch`]), `${model}.${f}: NULLs`).toBe(0);
      const err = errors![`${f}__rel_err`];
      expect(err === null ? 0 : num(err), `${model}.${f}: relative error`).toBeLessThanOrEqual(1e-9);
    }
  }

  const all = modelColumns.map(([n]) => q(n)).join(', ');
  const [bits] = await ic.query<{ n: string }>(`SELECT count() AS n FROM (SELECT ${all} FROM ${table} EXCEPT ALL SELECT ${all} FROM ${guide})`);
  return { rows, bitDifferences: num(bits!.n) };
}
