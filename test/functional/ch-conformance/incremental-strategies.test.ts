import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';
import * as f from '../adapter-suite/basic-files.js';

/*
 * dbt-clickhouse tests/integration/adapter/incremental/test_base_incremental.py: its incremental
 * strategies as it names them (legacy, delete+insert, insert_overwrite, inserts_only) with the
 * upstream models and row counts, run unmodified. Two models name a table without its database
 * (`from unique_source_one`, `FROM compound_key_inc`): as in dbt-clickhouse, whose connections have
 * the profile's schema as their database, the name is looked up in the target schema.
 */

const KEYED = (strategy: string) => `{{ config(
        materialized='incremental',
        order_by=['key1'],
        unique_key='key1',
        incremental_strategy='${strategy}',
        settings={'allow_nullable_key':1}
    )
}}
{% if is_incremental() %}
   select 2 as key1, 500 as key2, 'test' as value UNION ALL
   select 102 as key1, 400 as key2, 'test2' as value
{% else %}
   SELECT toUInt64(number) as key1, toInt64(-number) as key2, toString(number) as value FROM numbers(100)
{% endif %}
`;

async function count(p: ReturnType<typeof dbtProject>, table: string): Promise<number> {
  const [row] = await p.query<{ n: string }>(`select count(*) as n from {schema}.${table}`);
  return Number(row!.n);
}

describe('dbt-clickhouse test_base_incremental', () => {
  it('TestSimpleIncremental: a table with unique_key, an incremental with a string settings value', async () => {
    const p = dbtProject({
      models: {
        'unique_source_one.sql': `{{config(
        materialized='table',
        engine='MergeTree()',
        order_by=['ts'],
        unique_key=['impid']
    )
}}
SELECT now() - toIntervalHour(number) as ts, toInt32(number) as impid, concat('value', toString(number)) as value1
  FROM numbers(100)
`,
        'unique_incremental_one.sql': `{{
    config(
        materialized='incremental',
        engine='MergeTree()',
        order_by=['ts'],
        unique_key=['impid'],
        settings={'allow_nullable_key':'1'}
    )
}}
select ts, impid from unique_source_one
{% if is_incremental() %}
where ts >= now() - toIntervalHour(1)
{% endif %}
`,
        'schema.yml': `
version: 2

models:
  - name: "unique_source_one"
    description: "Test table source"
    columns:
      - name: ts
      - name: impid
      - name: value1
`,
      },
    });
    await p.dbt(['run', '--select', 'unique_source_one']);
    await p.dbt(['run', '--select', 'unique_incremental_one']);
    expect(await count(p, 'unique_incremental_one')).toBe(100);
  });

  for (const [name, strategy] of [['TestLWDeleteIncremental', 'delete+insert'], ['TestLegacyIncremental', 'legacy']] as const) {
    it(`${name}: ${strategy} replaces the rows of the keys it brings (100, 101, 101)`, async () => {
      const p = dbtProject({ models: { 'inc.sql': KEYED(strategy) } });
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        await p.dbt(['run']);
        counts.push(await count(p, 'inc'));
      }
      expect(counts).toEqual([100, 101, 101]);
      expect(await p.query(`select key1, key2, value from {schema}.inc where key1 in (2, 102) order by key1`)).toEqual([
        { key1: '2', key2: '500', value: 'test' },
        { key1: '102', key2: '400', value: 'test2' },
      ]);
    });
  }

  it('TestIncrementalCompoundKey: delete+insert on a two-column key written as one string (100, 180, 260)', async () => {
    const p = dbtProject({
      models: {
        'compound_key_inc.sql': `{{ config(
        materialized='incremental',
        order_by=['key1', 'key2'],
        unique_key='key1, key2',
        incremental_strategy='delete+insert'
    )
}}
{% if is_incremental() %}
   WITH (SELECT max(key1) - 20 FROM compound_key_inc) as old_max
   SELECT assumeNotNull(toUInt64(number + old_max + 1)) as key1, toInt64(-key1) as key2, toString(number + 30) as value FROM numbers(100)
{% else %}
   SELECT toUInt64(number) as key1, toInt64(-number) as key2, toString(number) as value FROM numbers(100)
{% endif %}
`,
      },
    });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await p.dbt(['run']);
      counts.push(await count(p, 'compound_key_inc'));
    }
    expect(counts).toEqual([100, 180, 260]);
  });

  it('TestInsertsOnlyIncrementalMaterialization: inserts_only=True with a unique_key appends (BaseIncremental)', async () => {
    const p = dbtProject({
      models: {
        'incremental.sql': `
          {{ config(order_by='(some_date, id, name)', inserts_only=True, materialized='incremental', unique_key='id') }}
        ${f.MODEL_INCREMENTAL}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE, 'added.csv': f.SEED_ADDED },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    await p.dbt(['run', '--vars', 'seed_name: base']);
    await expectRelationsEqual(p, ['base', 'incremental']);
    await p.dbt(['run', '--vars', 'seed_name: added']);
    await expectRelationsEqual(p, ['added', 'incremental']);
  });

  it('inserts_only=True inserts the new rows as they are, whatever incremental_strategy and unique_key say (dbt-clickhouse checks it first)', async () => {
    // (insert_overwrite takes no unique_key in dbt-clickhouse)
    const model = (strategy: string, key = "unique_key='id', ") => `{{ config(materialized='incremental', inserts_only=True, ${key}incremental_strategy='${strategy}', partition_by='id % 2', order_by='id') }}
{% if is_incremental() %}
select 1 as id, 'again' as v
{% else %}
select number as id, 'first' as v from numbers(3)
{% endif %}
`;
    const p = dbtProject({ models: { 'keyed.sql': model('delete+insert'), 'overwritten.sql': model('insert_overwrite', ''), 'legacy.sql': model('legacy') } });
    await p.dbt(['run']);
    await p.dbt(['run']);
    for (const table of ['keyed', 'overwritten', 'legacy'])
      expect((await p.query<{ id: number; v: string }>(`select id, v from {schema}.${table} order by id, v`)).map((r) => `${r.id}:${r.v}`), table).toEqual(['0:first', '1:again', '1:first', '2:first']);
  });

  it('TestInsertOverwriteIncremental: insert_overwrite replaces the partitions the new rows fall in', async () => {
    const p = dbtProject({
      models: {
        'insert_overwrite_inc.sql': `{{ config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=['partitionKey1', 'partitionKey2'],
        order_by=['orderKey'],
    )
}}
{% if not is_incremental() %}
    SELECT partitionKey1, partitionKey2, orderKey, value
    FROM VALUES(
        'partitionKey1 UInt8, partitionKey2 String, orderKey UInt8, value String',
        (1, 'p1', 1, 'a'), (1, 'p1', 2, 'b'), (2, 'p1', 3, 'c'), (2, 'p2', 4, 'd')
    )
{% else %}
    SELECT partitionKey1, partitionKey2, orderKey, value
    FROM VALUES(
        'partitionKey1 UInt8, partitionKey2 String, orderKey UInt8, value String',
        (1, 'p1', 2, 'e'), (3, 'p1', 2, 'f')
    )
{% endif %}
`,
      },
    });
    const rows = async () =>
      (await p.query<Record<string, unknown>>(`select * from {schema}.insert_overwrite_inc order by partitionKey1, partitionKey2, orderKey`)).map((r) => Object.values(r));
    await p.dbt(['run']);
    expect(await rows()).toEqual([
      [1, 'p1', 1, 'a'],
      [1, 'p1', 2, 'b'],
      [2, 'p1', 3, 'c'],
      [2, 'p2', 4, 'd'],
    ]);
    await p.dbt(['run']);
    expect(await rows()).toEqual([
      [1, 'p1', 2, 'e'],
      [2, 'p1', 3, 'c'],
      [2, 'p2', 4, 'd'],
      [3, 'p1', 2, 'f'],
    ]);
  });
});
