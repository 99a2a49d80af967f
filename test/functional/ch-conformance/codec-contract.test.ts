import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/incremental/test_schema_change_codec.py (the cases that
 * need no cluster) and constraints/test_contract_query_settings.py.
 */

const CODEC_SQL = (onSchemaChange: string, second: string) => `
{{
    config(
        materialized='incremental',
        unique_key='col_1',
        on_schema_change='${onSchemaChange}'
    )
}}

{% if not is_incremental() %}
select
    ${onSchemaChange === 'sync_all_columns' ? 'toUInt8(number)' : 'number'} as col_1,
    number + 1 as col_2
from numbers(3)
{% else %}
${second}
from numbers(2, 3)
{% endif %}
`;

const showCreate = async (p: ReturnType<typeof dbtProject>, table: string) => (await p.query<{ statement: string }>(`SHOW CREATE TABLE {schema}.${table}`))[0]!.statement;

describe('dbt-clickhouse test_schema_change_codec', () => {
  it('TestSchemaChangeWithCodec: append_new_columns adds col_3 with its YAML codec (old rows: NULL under dbt_semantics, 0 in dbt-clickhouse)', async () => {
    const p = dbtProject({
      models: {
        'schema_change_codec_append.sql': CODEC_SQL('append_new_columns', 'select\n    number as col_1,\n    number + 1 as col_2,\n    number + 2 as col_3'),
        'schema.yml': `
version: 2
models:
  - name: schema_change_codec_append
    columns:
      - name: col_1
        data_type: UInt64
      - name: col_2
        data_type: UInt64
      - name: col_3
        data_type: UInt64
        codec: ZSTD
`,
      },
    });
    const rows = async () => (await p.query<Record<string, unknown>>(`select * from {schema}.schema_change_codec_append order by col_1`)).map((r) => Object.values(r));
    await p.dbt(['run', '--select', 'schema_change_codec_append']);
    expect((await rows()).length).toBe(3);
    expect((await rows())[0]![1]).toBe('1');
    await p.dbt(['run', '--select', 'schema_change_codec_append']);
    const after = await rows();
    expect(after.every((r) => r.length === 3)).toBe(true);
    expect(after[0]![2]).toBeNull();
    expect(after[3]![2]).toBe('5');
    expect(await showCreate(p, 'schema_change_codec_append')).toMatch(/`col_3` Nullable\(UInt64\) CODEC\(ZSTD/);
  });

  it('TestSyncAllColumnsWithCodec: sync_all_columns changes col_1 to Float32, drops col_2, adds col_3 with its codec', async () => {
    const p = dbtProject({
      models: {
        'sync_codec_test.sql': CODEC_SQL('sync_all_columns', 'select\n    toFloat32(number) as col_1,\n    number + 2 as col_3'),
        'schema.yml': `
version: 2
models:
  - name: sync_codec_test
    columns:
      - name: col_1
        data_type: Float32
      - name: col_3
        data_type: UInt64
        codec: ZSTD
`,
      },
    });
    const rows = async () => (await p.query<Record<string, unknown>>(`select * from {schema}.sync_codec_test order by col_1`)).map((r) => Object.values(r));
    await p.dbt(['run', '--select', 'sync_codec_test']);
    expect((await rows()).length).toBe(3);
    await p.dbt(['run', '--select', 'sync_codec_test']);
    const after = await rows();
    expect(after.every((r) => r.length === 2)).toBe(true);
    expect(after[0]![1]).toBeNull();
    expect(after[3]![1]).toBe('5');
    expect(await showCreate(p, 'sync_codec_test')).toMatch(/CODEC\(ZSTD/);
    expect(await p.query(`select toColumnTypeName(col_1) as t from {schema}.sync_codec_test limit 1`)).toEqual([{ t: 'Float32' }]);
  });
});

describe('dbt-clickhouse test_contract_query_settings', () => {
  it("TestContractRespectsQuerySettings: the contract is checked with the model's join_use_nulls", async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': `
{{
    config(
        order_by='id',
        query_settings={
            'join_use_nulls': 1
        }
    )
}}

select
    id,
    last_value
from (
    select 1 as id
) t1
left join (
    select
        1 as id,
        max(value) as last_value
    from (
        select 1 as value
    )
    where value = 2
) t2
    on t1.id = t2.id
`,
        'schema.yml': `
version: 2
models:
  - name: my_model
    config:
      contract:
        enforced: true
    columns:
      - name: id
        data_type: UInt8
      - name: last_value
        data_type: Nullable(UInt8)
`,
      },
    });
    const run = await p.dbt(['run', '--select', 'my_model']);
    expect(run.results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query(`select isNullable(last_value) as n from {schema}.my_model`)).toEqual([{ n: 1 }]);
  });
});
