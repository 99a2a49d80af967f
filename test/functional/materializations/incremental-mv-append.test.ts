import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * An incremental append into a table that materialized views read. Was one INSERT … SELECT of the staged rows,
 * which ClickHouse commits block by block (the table first, then its views): a view failing on a later block left
 * the first blocks in the table and none in the views' targets, and the next run appended them again. Now the
 * views' rows are computed from the staged rows beside their targets first (a failing view fails the run there,
 * nothing touched), then every table gets its new parts by ATTACH PARTITION, which fires no view.
 */
const model = `{{ config(materialized='incremental', order_by='id') }}
select number as id from numbers({% if is_incremental() %}1000, 2000{% else %}1000{% endif %})
`;

describe('incremental append into a table materialized views read', () => {
  it('a view failing half-way leaves the table and every view target as they were; fixed, the run adds the rows once to each', async () => {
    const p = dbtProject({ models: { 't.sql': model } });
    // Small blocks: the statement that wrote the table would commit many of them before the failing one.
    p.write({
      'profiles.yml': `test:\n  target: default\n  outputs:\n    default:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: 4\n      settings:\n        max_block_size: 100\n        min_insert_block_size_rows: 100\n        min_insert_block_size_bytes: 0\n`,
    });
    await p.dbt(['run']);
    await p.query('create table {schema}.w (id UInt64) engine = MergeTree order by id');
    // One view with a table of its own (no TO), one writing into w.
    await p.query('create materialized view {schema}.mv engine = MergeTree order by id as select id from {schema}.t');
    await p.query("create materialized view {schema}.mw to {schema}.w as select id + throwIf(id = 2500, 'boom') as id from {schema}.t");
    const counts = async () => (await p.query<{ n: string }>("select (select count() from {schema}.t) || '/' || (select count() from {schema}.mv) || '/' || (select count() from {schema}.w) as n"))[0]!.n;
    const failed = await p.dbt(['run'], { expectPass: false });
    expect(failed.out.join('\n')).toMatch(/boom/);
    expect(await counts()).toBe('1000/0/0');
    // Nothing staged is left behind.
    expect((await p.query<{ name: string }>("select name from system.tables where database = '{schema}' and not startsWith(name, '.inner') order by name")).map((r) => r.name)).toEqual(['mv', 'mw', 't', 'w']);
    await p.query('drop view {schema}.mw');
    await p.query('create materialized view {schema}.mw to {schema}.w as select id from {schema}.t');
    await p.dbt(['run']);
    expect(await counts()).toBe('3000/2000/2000');
    expect(await p.query('select min(id) lo, max(id) hi, uniqExact(id) n from {schema}.w')).toEqual([{ lo: '1000', hi: '2999', n: '2000' }]);
  });
});

describe("the model's query_settings reach the materialized views its append feeds", () => {
  it('a view computed beside its target, and the plain INSERT where one cannot be, run with the settings the model sets', async () => {
    // As dbt-clickhouse's one INSERT … SETTINGS: the views fire in that query, with its settings. Before: the server's defaults.
    const withSettings = `{{ config(materialized='incremental', order_by='id', query_settings={'max_block_size': 4321}) }}
select number as id from numbers({% if is_incremental() %}10, 10{% else %}10{% endif %})
`;
    const p = dbtProject({ models: { 'beside.sql': withSettings, 'plain.sql': withSettings } });
    await p.dbt(['run']);
    // beside: a MergeTree target (computed beside it); plain: a Log target (not reproduced: the INSERT).
    await p.query("create materialized view {schema}.beside_mv engine = MergeTree order by id as select id, getSetting('max_block_size') as b from {schema}.beside");
    await p.query("create materialized view {schema}.plain_mv engine = Log as select id, getSetting('max_block_size') as b from {schema}.plain");
    await p.dbt(['run']);
    for (const t of ['beside_mv', 'plain_mv'])
      expect(await p.query(`select count() n, groupUniqArray(toString(b)) b from {schema}.${t}`), t).toEqual([{ n: '10', b: ['4321'] }]);
  });
});
