import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';
import { SCHEMA_BASE_YML, SEED_BASE } from '../adapter-suite/basic-files.js';

/*
 * dbt-clickhouse tests/integration/adapter/basic/test_table_materialization.py: a table model is
 * rebuilt on every run (TestTableRebuildOnRun), `mv_on_schema_change` means nothing for a table no
 * view writes into (TestTableOnSchemaChangeIgnore), and a table that a dbt materialized view writes
 * into is not rebuilt away when its columns change: without mv_on_schema_change it fails with
 * "out of sync" (TestTableWithMVDefaultsToFail) — a rebuild would lose the rows the views wrote
 * (here a catchup=False view's, which no backfill brings back). Upstream model files unchanged; the
 * other mv_on_schema_change values are dbt-clickhouse's table.sql (alter in place / keep).
 */

const withVariable = "{{ config(materialized='table') }}\nselect {{ var('row_value', 1) }} as id\n";
const schemaChange = (strategy: string, extra: string) => `{{
    config(
        materialized='table',
        mv_on_schema_change='${strategy}'
    )
}}
select
    number as col_1,
    number + 1 as col_2${extra}
from numbers(3)
`;

const SEED = 'col_1,col_2\n1,2\n3,4\n5,6\n';
const SEED_YML = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: mv_source_seed\n';
const target = (config: string, extra: string) => `{{ config(materialized='table'${config}) }}
select
    toInt64(0) as col_1,
    toInt64(0) as col_2${extra}
where 0  -- Creates empty table with correct schema
`;
const MV = `{{ config(materialized='materialized_view', catchup=False) }}

{{ materialization_target_table(ref('mv_target_table')) }}

select col_1, col_2 from {{ source('raw', 'mv_source_seed') }}
`;

/** Seeds, runs, and lets the catchup=False view write two rows into the target. */
async function mvProject(config = ''): Promise<DbtProject> {
  const p = dbtProject({
    seeds: { 'mv_source_seed.csv': SEED, 'schema.yml': SEED_YML },
    models: { 'mv_target_table.sql': target(config, ''), 'mv_pointing.sql': MV },
  });
  await p.dbt(['seed']);
  await p.dbt(['run']);
  const columns = await p.query<{ name: string }>("select name from system.columns where table = 'mv_target_table' and database = '{schema}' order by position");
  expect(columns.map((c) => c.name)).toEqual(['col_1', 'col_2']);
  await p.query('insert into {schema}.mv_source_seed values (7, 8), (9, 10)');
  return p;
}
const targetRows = (p: DbtProject) => p.query<Record<string, string | null>>('select * from {schema}.mv_target_table order by col_1');

describe('dbt-clickhouse basic/test_table_materialization.py', () => {
  it('TestTableRebuildOnRun: a second run (no --full-refresh) rebuilds the table with the new data', async () => {
    const p = dbtProject({ models: { 'table_model.sql': withVariable } });
    await p.dbt(['run', '--vars', '{"row_value": 1}']);
    expect((await p.query<{ id: number }>('select id from {schema}.table_model')).map((r) => Number(r.id))).toEqual([1]);
    await p.dbt(['run', '--vars', '{"row_value": 2}']);
    expect((await p.query<{ id: number }>('select id from {schema}.table_model')).map((r) => Number(r.id))).toEqual([2]);
  });

  it('TestTableOnSchemaChangeIgnore: mv_on_schema_change is ignored for a table no view writes into', async () => {
    const p = dbtProject({ models: { 'table_ignore.sql': schemaChange('ignore', '') } });
    await p.dbt(['run']);
    let rows = await p.query<Record<string, unknown>>('select * from {schema}.table_ignore order by col_1');
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toHaveLength(2);
    p.write({ 'models/table_ignore.sql': schemaChange('fail', ',\n    number + 2 as col_3') });
    await p.dbt(['run']);
    rows = await p.query<Record<string, unknown>>('select * from {schema}.table_ignore order by col_1');
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toHaveLength(3);
  });

  it("TestTableWithMVDefaultsToFail: a view's target with new columns fails 'out of sync' and keeps the views' rows", async () => {
    const p = await mvProject();
    p.write({ 'models/mv_target_table.sql': target('', ',\n    toInt64(0) as col_3') });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n').toLowerCase()).toContain('out of sync');
    expect(r.out.join('\n')).toContain("Target columns not in source: ['col_3 Int64']");
    // The rows the view wrote are still there, and it still writes.
    await p.query('insert into {schema}.mv_source_seed values (11, 12)');
    expect((await targetRows(p)).map((r) => Number(r.col_1))).toEqual([7, 9, 11]);
  });

  it("mv_on_schema_change='append_new_columns' adds the column in place: the views' rows stay, the view goes on writing", async () => {
    const p = await mvProject(", mv_on_schema_change='append_new_columns'");
    p.write({ 'models/mv_target_table.sql': target(", mv_on_schema_change='append_new_columns'", ',\n    toInt64(0) as col_3') });
    await p.dbt(['run']);
    await p.query('insert into {schema}.mv_source_seed values (11, 12)');
    expect((await targetRows(p)).map((r) => [Number(r.col_1), Number(r.col_2), Number(r.col_3)])).toEqual([
      [7, 8, 0],
      [9, 10, 0],
      [11, 12, 0],
    ]);
  });

  it("mv_on_schema_change='sync_all_columns' drops a column in place; 'ignore' keeps the table as it is", async () => {
    const p = await mvProject(", mv_on_schema_change='sync_all_columns'");
    p.write({ 'models/mv_target_table.sql': "{{ config(materialized='table', mv_on_schema_change='sync_all_columns') }}\nselect toInt64(0) as col_1 where 0\n" });
    await p.dbt(['run']);
    await p.query('insert into {schema}.mv_source_seed values (11, 12)');
    expect(await targetRows(p)).toEqual([{ col_1: '7' }, { col_1: '9' }, { col_1: '11' }]);

    p.write({ 'models/mv_target_table.sql': "{{ config(materialized='table', mv_on_schema_change='ignore') }}\nselect toInt64(0) as col_1, '' as note where 0\n" });
    await p.dbt(['run']);
    expect(await targetRows(p)).toEqual([{ col_1: '7' }, { col_1: '9' }, { col_1: '11' }]);
  });

  it('--full-refresh still rebuilds the target (empty: its only view has catchup=False)', async () => {
    const p = await mvProject();
    p.write({ 'models/mv_target_table.sql': target('', ',\n    toInt64(0) as col_3') });
    await p.dbt(['run', '--full-refresh']);
    expect(await targetRows(p)).toEqual([]);
    await p.query('insert into {schema}.mv_source_seed values (11, 12)');
    expect((await targetRows(p)).map((r) => [Number(r.col_1), Number(r.col_3)])).toEqual([[11, 0]]);
  });
});

/*
 * dbt-clickhouse's open PR f1c8823 (over c5c810b) of test_table_materialization.py:
 * TestTableWithPrimaryKeyDeclare — a table model with `primary_key` and no `order_by` is sorted by
 * its primary key (ClickHouse needs the key to be a prefix of the sorting key); with both, each is
 * its own. The models' contracts are enforced.
 */
describe('dbt-clickhouse test_table_materialization.py (primary_key, open PR)', () => {
  const columns = `
    columns:
      - name: event_date
        data_type: Date
      - name: id
        data_type: Int32
      - name: name
        data_type: String
      - name: event_datetime
        data_type: DateTime
`;
  const withPk = `
version: 2
models:
  - name: table_primary_key
    config:
      materialized: table
      primary_key:
        - event_date
        - id
        - event_datetime
      contract:
        enforced: true
`;
  const withPkAndOrder = `
models:
  - name: table_primary_key_and_order_by
    config:
      materialized: table
      primary_key:
        - event_date
        - id
      order_by:
        - event_date
        - id
        - event_datetime
      contract:
        enforced: true
`;
  const model = `
SELECT
    toDate(some_date) AS event_date
    , id
    , name
    , some_date AS event_datetime
FROM {{ source('raw', 'seed') }}
`;
  it('TestTableWithPrimaryKeyDeclare: primary_key alone is also the ORDER BY; with order_by both are kept', async () => {
    const p = dbtProject({
      seeds: { 'base.csv': SEED_BASE, 'schema.yml': SCHEMA_BASE_YML },
      models: { 'table_primary_key.sql': model, 'table_primary_key.yml': withPk + columns, 'table_primary_key_and_order_by.sql': model, 'table_primary_key_and_order_by.yml': withPkAndOrder + columns },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const keys = (name: string) => p.query<{ primary_key: string; sorting_key: string }>(`SELECT primary_key, sorting_key FROM system.tables WHERE database = '{schema}' AND name = '${name}'`);
    expect(await keys('table_primary_key')).toEqual([{ primary_key: 'event_date, id, event_datetime', sorting_key: 'event_date, id, event_datetime' }]);
    expect(await keys('table_primary_key_and_order_by')).toEqual([{ primary_key: 'event_date, id', sorting_key: 'event_date, id, event_datetime' }]);
  });
});
