import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * Under dbt_semantics round() of a float tie is away from zero (round(2.5) = 3), ClickHouse's round half to even (2).
 * An incremental table built with ClickHouse's rounding — by dbt-clickhouse, an older tsdbt, or dbt_semantics off —
 * stores the key 2 for a row whose unique_key is round(2.5): the next run's key 3 would not replace it, and
 * delete+insert would keep both rows. A run whose stored keys are ClickHouse's keeps ClickHouse's rounding for that
 * model (a warning says so and how to move: --full-refresh); stored keys of both roundings refuse the run.
 */
const MODEL = (v: string, semantics = '', strategy = '') =>
  `{{ config(materialized='incremental', unique_key='k'${strategy}${semantics}) }}\nselect round(x) as k, '${v}' as v from (select 2.5 as x union all select 7.0 as x)\n`;

const rows = (p: ReturnType<typeof dbtProject>) => p.query<{ k: number; v: string }>('select toInt32(k) as k, v from {schema}.m order by k, v');

describe('an incremental model whose unique_key is round() of a float tie, over a table whose keys ClickHouse rounded', () => {
  for (const strategy of ['', ", incremental_strategy='merge'"])
    it(`replaces the stored rows, keeping ClickHouse's rounding for it${strategy ? ' (merge)' : ''}`, async () => {
      const p = dbtProject({ models: { 'm.sql': MODEL('a', ', dbt_semantics=false', strategy) } });
      await p.dbt(['run']);
      expect(await rows(p)).toEqual([{ k: 2, v: 'a' }, { k: 7, v: 'a' }]);
      p.write({ 'models/m.sql': MODEL('b', '', strategy) });
      const second = await p.dbt(['run']);
      expect(second.out.join('\n')).toMatch(/m: its stored unique keys were computed with ClickHouse's round\(\) \(a tie to even[\s\S]*--full-refresh/);
      await p.dbt(['run']);
      expect(await rows(p)).toEqual([{ k: 2, v: 'b' }, { k: 7, v: 'b' }]);
      // --full-refresh stores dbt's rounding; later runs keep it.
      await p.dbt(['run', '--full-refresh']);
      p.write({ 'models/m.sql': MODEL('c', '', strategy) });
      const fresh = await p.dbt(['run']);
      expect(fresh.out.join('\n')).not.toMatch(/stored unique keys/);
      expect(await rows(p)).toEqual([{ k: 3, v: 'c' }, { k: 7, v: 'c' }]);
    });

  it('refuses a run over stored keys of both roundings (nothing changed)', async () => {
    const p = dbtProject({ models: { 'm.sql': MODEL('a', ', dbt_semantics=false') } });
    await p.dbt(['run']);
    await p.query("insert into {schema}.m values (3, 'x')");
    p.write({ 'models/m.sql': MODEL('b') });
    const refused = await p.dbt(['run'], { expectPass: false });
    expect(refused.results[0]!.message).toMatch(/stored unique keys of both roundings/);
    expect(await rows(p)).toEqual([{ k: 2, v: 'a' }, { k: 3, v: 'x' }, { k: 7, v: 'a' }]);
  });
});

// review-11: unique_key `id` is not rounded, but the model FILTERS on round(): the rows each rounding selects differ,
// which is no sign of how the stored keys were rounded — dbt's rounding stands, nothing refused.
const SRC = (rows: string) => `select * from values('id UInt32, a Float64, b Float64', ${rows})`;
const FILTERED = (rows: string) => `{{ config(materialized='incremental', unique_key='id') }}\nselect id, a, b from (${SRC(rows)}) where round(a) = 2 and round(b) = 3\n`;
const filteredRows = (p: ReturnType<typeof dbtProject>) => p.query<{ id: number; a: number; b: number }>('select toInt32(id) as id, a, b from {schema}.m order by id');

describe('a key-based incremental model filtering on round() (its key not rounded)', () => {
  it('keeps dbt rounding: a row whose round(a) is 3 under dbt is not selected, no warning', async () => {
    const p = dbtProject({ models: { 'm.sql': FILTERED('(7, 2.2, 3.0)') } });
    await p.dbt(['run']);
    expect(await filteredRows(p)).toEqual([{ id: 7, a: 2.2, b: 3 }]);
    // id 7 now a = 2.5: dbt (Postgres/Snowflake) round(2.5) = 3, so it is not selected and the stored row stays.
    p.write({ 'models/m.sql': FILTERED('(7, 2.5, 3.0)') });
    const second = await p.dbt(['run']);
    expect(second.out.join('\n')).not.toMatch(/stored unique keys/);
    expect(await filteredRows(p)).toEqual([{ id: 7, a: 2.2, b: 3 }]);
  });

  it('is not refused when updated rows fall on either side of a tie', async () => {
    const p = dbtProject({ models: { 'm.sql': FILTERED('(7, 2.2, 3.0), (8, 2.0, 3.0)') } });
    await p.dbt(['run']);
    p.write({ 'models/m.sql': FILTERED('(7, 2.5, 3.0), (8, 2.0, 2.5)') });
    const second = await p.dbt(['run']);
    expect(second.results[0]!.status).toBe('success');
    // dbt: id 7 not selected (round(2.5) = 3 ≠ 2), id 8 selected (round(2.5) = 3): replaced.
    expect(await filteredRows(p)).toEqual([{ id: 7, a: 2.2, b: 3 }, { id: 8, a: 2, b: 2.5 }]);
  });
});
