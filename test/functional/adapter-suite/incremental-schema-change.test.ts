import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter incremental/test_incremental_on_schema_change.py (BaseIncrementalOnSchemaChange,
 * models in incremental/fixtures.py, incl. the quoted special-character columns): each incremental
 * model runs twice (its second run selects other columns) and must equal a table model that says
 * what dbt's on_schema_change gives: ignore keeps the table's columns, append_new_columns adds the
 * new ones (NULL in old rows; a removed column is kept, NULL in new rows), sync_all_columns adds and
 * drops, fail fails with a Compilation Error. dbt-clickhouse's own cases (test_schema_change.py,
 * numbers()-based) follow at the end.
 */
const S = '{% set string_type = dbt.type_string() %}';
const inc = (mode: string, from: string, incremental: string, first: string) => `{{
    config(
        materialized='incremental',
        unique_key='id',
        on_schema_change='${mode}'
    )
}}
${S}
WITH source_data AS (SELECT * FROM {{ ref('${from}') }} )
{% if is_incremental() %}
${incremental}
{% else %}
${first}
{% endif %}
`;
const table = (from: string, select: string) => `{{ config(materialized='table') }}
${S}
with source_data as (select * from {{ ref('${from}') }})
${select}
from source_data
`;
const cast = (c: string) => `cast(${c} as {{string_type}}) as ${c}`;
const newOnly = (c: string, cmp = '<=') => `cast(case when id ${cmp} 3 then null else ${c} end as {{string_type}}) as ${c}`;
const notIn = 'FROM source_data WHERE id NOT IN (SELECT id from {{ this }} )';

const MODEL_A = `{{ config(materialized='table') }}
with source_data as (
    select 1 as id, 'aaa' as field1, 'bbb' as field2, 111 as field3, 'TTT' as field4
    union all select 2 as id, 'ccc' as field1, 'ddd' as field2, 222 as field3, 'UUU' as field4
    union all select 3 as id, 'eee' as field1, 'fff' as field2, 333 as field3, 'VVV' as field4
    union all select 4 as id, 'ggg' as field1, 'hhh' as field2, 444 as field3, 'WWW' as field4
    union all select 5 as id, 'iii' as field1, 'jjj' as field2, 555 as field3, 'XXX' as field4
    union all select 6 as id, 'kkk' as field1, 'lll' as field2, 666 as field3, 'YYY' as field4
)
select id, field1, field2, field3, field4 from source_data
`;
const q = (c: string) => `{{ adapter.quote("${c}") }}`;
const MODEL_A_SPECIAL = `{{ config(materialized='table') }}
with source_data as (
${[1, 2, 3, 4, 5, 6].map((i) => `    select ${i} as id, '${'acegik'[i - 1]!.repeat(3)}' as ${q('field with space')}, '${'bdfhjl'[i - 1]!.repeat(3)}' as ${q('select')}, ${i * 111} as ${q('field-with-dash')}, '${'TUVWXY'[i - 1]!.repeat(3)}' as ${q('field.with.dots')}`).join('\n    union all')}
)
select id, ${q('field with space')}, ${q('select')}, ${q('field-with-dash')}, ${q('field.with.dots')} from source_data
`;
const castQ = (c: string) => `cast(${q(c)} as {{string_type}}) as ${q(c)}`;
const newOnlyQ = (c: string) => `cast(case when id <= 3 then null else ${q(c)} end as {{string_type}}) as ${q(c)}`;

const MODELS: Record<string, string> = {
  'model_a.sql': MODEL_A,
  'model_a_special_chars.sql': MODEL_A_SPECIAL,
  'incremental_ignore.sql': inc('ignore', 'model_a', `SELECT id, field1, field2, field3, field4 ${notIn}`, 'SELECT id, field1, field2 FROM source_data LIMIT 3'),
  'incremental_ignore_target.sql': table('model_a', 'select id, field1, field2'),
  'incremental_append_new_columns.sql': inc('append_new_columns', 'model_a', `SELECT id, ${['field1', 'field2', 'field3', 'field4'].map(cast).join(', ')} ${notIn}`, `SELECT id, ${cast('field1')}, ${cast('field2')} FROM source_data where id <= 3`),
  'incremental_append_new_columns_target.sql': table('model_a', `select id, ${cast('field1')}, ${cast('field2')}, ${newOnly('field3')}, ${newOnly('field4')}`),
  'incremental_append_new_columns_remove_one.sql': inc('append_new_columns', 'model_a', `SELECT id, ${cast('field1')}, ${cast('field3')}, ${cast('field4')} ${notIn}`, `SELECT id, ${cast('field1')}, ${cast('field2')} FROM source_data where id <= 3`),
  'incremental_append_new_columns_remove_one_target.sql': table('model_a', `select id, ${cast('field1')}, ${newOnly('field2', '>')}, ${newOnly('field3')}, ${newOnly('field4')}`),
  'incremental_sync_all_columns.sql': inc('sync_all_columns', 'model_a', `SELECT id, ${cast('field1')}, ${cast('field3')}, ${cast('field4')} ${notIn}`, `select id, ${cast('field1')}, ${cast('field2')} from source_data where id <= 3`),
  'incremental_sync_all_columns_target.sql': table('model_a', `select id, ${cast('field1')}, ${newOnly('field3')}, ${newOnly('field4')}`),
  'incremental_sync_remove_only.sql': inc('sync_all_columns', 'model_a', `SELECT id, ${cast('field1')} ${notIn}`, `select id, ${cast('field1')}, ${cast('field2')} from source_data where id <= 3`),
  'incremental_sync_remove_only_target.sql': table('model_a', `select id, ${cast('field1')}`),
  'incremental_fail.sql': inc('fail', 'model_a', 'SELECT id, field1, field2 FROM source_data', 'SELECT id, field1, field3 FROm source_data'),
  'incremental_append_new_special_chars.sql': inc('append_new_columns', 'model_a_special_chars', `SELECT id, ${['field with space', 'select', 'field-with-dash', 'field.with.dots'].map(castQ).join(', ')} ${notIn}`, `SELECT id, ${castQ('field with space')}, ${castQ('select')} FROM source_data where id <= 3`),
  'incremental_append_new_special_chars_target.sql': table('model_a_special_chars', `select id, ${castQ('field with space')}, ${castQ('select')}, ${newOnlyQ('field-with-dash')}, ${newOnlyQ('field.with.dots')}`),
  'incremental_sync_all_special_chars.sql': inc('sync_all_columns', 'model_a_special_chars', `SELECT id, ${castQ('field with space')}, ${castQ('field-with-dash')}, ${castQ('field.with.dots')} ${notIn}`, `select id, ${castQ('field with space')}, ${castQ('select')} from source_data where id <= 3`),
  'incremental_sync_all_special_chars_target.sql': table('model_a_special_chars', `select id, ${castQ('field with space')}, ${newOnlyQ('field-with-dash')}, ${newOnlyQ('field.with.dots')}`),
};

describe('incremental on_schema_change (dbt-tests-adapter incremental/test_incremental_on_schema_change.py)', () => {
  it.each([
    ['ignore', 'incremental_ignore', 'model_a'],
    ['append_new_columns', 'incremental_append_new_columns', 'model_a'],
    ['append_new_columns, one column removed', 'incremental_append_new_columns_remove_one', 'model_a'],
    ['sync_all_columns', 'incremental_sync_all_columns', 'model_a'],
    ['sync_all_columns, a column removed only', 'incremental_sync_remove_only', 'model_a'],
    ['append_new_columns with quoted special-character columns', 'incremental_append_new_special_chars', 'model_a_special_chars'],
    ['sync_all_columns with quoted special-character columns', 'incremental_sync_all_special_chars', 'model_a_special_chars'],
  ])('%s: two runs equal the target table', async (_name, model, from) => {
    const p = dbtProject({ models: MODELS });
    const select = ['--select', `${from} ${model} ${model}_target`];
    expect((await p.dbt(['run', ...select])).results).toHaveLength(3);
    expect((await p.dbt(['run', ...select])).results).toHaveLength(3);
    await expectRelationsEqual(p, [model, `${model}_target`]);
  });

  it('fail: the second run fails with a Compilation Error', async () => {
    const p = dbtProject({ models: MODELS });
    await p.dbt(['run', '--models', 'model_a incremental_fail', '--full-refresh']);
    const second = await p.dbt(['run', '--models', 'model_a incremental_fail'], { expectPass: false });
    const failed = second.results.find((r) => r.unique_id.endsWith('.incremental_fail'))!;
    expect(failed.status).toBe('error');
    expect(failed.message).toContain('Compilation Error');
  });
});

describe("dbt-clickhouse's on_schema_change cases (tests/integration/adapter/incremental/test_schema_change.py)", () => {
  const sql = (mode: string) => `{{ config(materialized='incremental', unique_key='col_1', on_schema_change='${mode}') }}
{% if not is_incremental() %}
select number as col_1, number + 1 as col_2 from numbers(3)
{% else %}
select number as col_1, number + 1 as col_2, number + 2 as col_3 from numbers(2, 3)
{% endif %}
`;
  it('ignore keeps the first columns and merges on col_1', async () => {
    const p = dbtProject({ models: { 'schema_change_ignore.sql': sql('ignore') } });
    await p.dbt(['run', '--select', 'schema_change_ignore']);
    const first = await p.query<{ col_1: string; col_2: string }>('select * from {schema}.schema_change_ignore order by col_1');
    expect(first).toHaveLength(3);
    expect(Number(first[0]!.col_2)).toBe(1);
    await p.dbt(['run', '--select', 'schema_change_ignore']);
    const second = await p.query<Record<string, unknown>>('select * from {schema}.schema_change_ignore');
    expect(second).toHaveLength(5);
    expect(Object.keys(second[0]!)).toEqual(['col_1', 'col_2']);
  });
  it('fail: the second run fails, the table keeps its rows', async () => {
    const p = dbtProject({ models: { 'schema_change_fail.sql': sql('fail') } });
    await p.dbt(['run', '--select', 'schema_change_fail']);
    const second = await p.dbt(['run', '--select', 'schema_change_fail'], { expectPass: false });
    expect(second.out.join('\n').toLowerCase()).toContain('out of sync');
    expect(await p.query('select * from {schema}.schema_change_fail')).toHaveLength(3);
  });
  // dbt-clickhouse expects col_3 = 0 in the old rows (ClickHouse's default); dbt's answer, which
  // tsdbt gives under dbt_semantics (the default), is NULL.
  it('append_new_columns adds col_3 (NULL in the old rows, as dbt)', async () => {
    const p = dbtProject({ models: { 'schema_change_append.sql': sql('append_new_columns') } });
    await p.dbt(['run', '--select', 'schema_change_append']);
    await p.dbt(['run', '--select', 'schema_change_append']);
    const rows = await p.query<Record<string, unknown>>('select col_1, col_2, col_3 from {schema}.schema_change_append order by col_1');
    expect(rows.map((r) => [Number(r.col_1), Number(r.col_2), r.col_3 === null ? null : Number(r.col_3)])).toEqual([
      [0, 1, null],
      [1, 2, null],
      [2, 3, 4],
      [3, 4, 5],
      [4, 5, 6],
    ]);
  });
  // TestComplexSchemaChange: the incremental run changes col_1's type (UInt8 -> Float32) and swaps
  // col_2 for col_3. fail stops; sync_all_columns makes the table (col_1 Float32, col_3).
  const complex = (mode: string) => `{{ config(materialized='incremental', unique_key='col_1', on_schema_change='${mode}') }}
{% if not is_incremental() %}
select toUInt8(number) as col_1, number + 1 as col_2 from numbers(3)
{% else %}
select toFloat32(number) as col_1, number + 2 as col_3 from numbers(2, 3)
{% endif %}
`;
  it('TestComplexSchemaChange.test_fail (fail): a changed column type is out of sync, the rows stay', async () => {
    const p = dbtProject({ models: { 'complex_schema_change_fail.sql': complex('fail') } });
    await p.dbt(['run', '--select', 'complex_schema_change_fail']);
    const first = await p.query<{ col_1: number; col_2: string }>('select * from {schema}.complex_schema_change_fail order by col_1');
    expect(first).toHaveLength(3);
    expect(Number(first[0]!.col_2)).toBe(1);
    const second = await p.dbt(['run', '--select', 'complex_schema_change_fail'], { expectPass: false });
    expect(second.out.join('\n').toLowerCase()).toContain('out of sync');
    expect(await p.query('select * from {schema}.complex_schema_change_fail')).toHaveLength(3);
  });
  // dbt-clickhouse also fails append_new_columns here (a changed type or a missing column is a
  // "conflicting change" for it). dbt's documented append_new_columns only adds the new columns: the
  // removed one stays (NULL in the new rows) and a changed type is not applied (dbt-tests-adapter's
  // BaseIncrementalOnSchemaChange append case, ported above). tsdbt gives dbt's answer.
  it('TestComplexSchemaChange.test_fail (append_new_columns): dbt adds col_3, keeps col_2 and col_1\'s type', async () => {
    const p = dbtProject({ models: { 'complex_schema_change_append.sql': complex('append_new_columns') } });
    await p.dbt(['run', '--select', 'complex_schema_change_append']);
    await p.dbt(['run', '--select', 'complex_schema_change_append']);
    const rows = await p.query<Record<string, unknown>>('select * from {schema}.complex_schema_change_append order by col_1');
    const n = (v: unknown) => (v === null ? null : Number(v));
    expect(rows.map((r) => [n(r.col_1), n(r.col_2), n(r.col_3)])).toEqual([
      [0, 1, null],
      [1, 2, null],
      [2, null, 4],
      [3, null, 5],
      [4, null, 6],
    ]);
    const [type] = await p.query<{ t: string }>('select toColumnTypeName(col_1) as t from {schema}.complex_schema_change_append limit 1');
    expect(type!.t).toBe('UInt8');
  });
  it('TestComplexSchemaChange.test_sync: sync_all_columns changes col_1 to Float32 and swaps col_2 for col_3', async () => {
    const p = dbtProject({ models: { 'complex_schema_change_sync.sql': complex('sync_all_columns') } });
    await p.dbt(['run', '--select', 'complex_schema_change_sync']);
    const first = await p.query<Record<string, unknown>>('select * from {schema}.complex_schema_change_sync order by col_1');
    expect(first).toHaveLength(3);
    expect(Number(first[0]!.col_2)).toBe(1);
    await p.dbt(['run', '--select', 'complex_schema_change_sync']);
    const rows = await p.query<Record<string, unknown>>('select * from {schema}.complex_schema_change_sync order by col_1');
    expect(rows.every((r) => Object.keys(r).length === 2)).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(['col_1', 'col_3']);
    // upstream: result[0][1] == 0 (ClickHouse's default for the old rows); dbt's answer is NULL.
    expect(rows[0]!.col_3).toBeNull();
    expect(Number(rows[3]!.col_3)).toBe(5);
    const [type] = await p.query<{ t: string }>('select toColumnTypeName(col_1) as t from {schema}.complex_schema_change_sync limit 1');
    expect(type!.t).toBe('Float32');
  });
  it('TestReordering: the same columns in another order are no schema change (on_schema_change fail)', async () => {
    const p = dbtProject({
      models: {
        'out_of_order_columns.sql': `{{ config(materialized='incremental', unique_key='col_1', on_schema_change='fail') }}
{% if not is_incremental() %}
select number as col_1, number + 1 as col_2 from numbers(3)
{% else %}
select number + 1 as col_2, number as col_1 from numbers(2, 3)
{% endif %}
`,
      },
    });
    await p.dbt(['run', '--select', 'out_of_order_columns']);
    const first = await p.query<Record<string, unknown>>('select * from {schema}.out_of_order_columns order by col_1');
    expect(Number(first[0]!.col_2)).toBe(1);
    await p.dbt(['run', '--select', 'out_of_order_columns']);
    const rows = await p.query<Record<string, unknown>>('select * from {schema}.out_of_order_columns order by col_1');
    expect(rows.map((r) => [Number(r.col_1), Number(r.col_2)])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });
});
