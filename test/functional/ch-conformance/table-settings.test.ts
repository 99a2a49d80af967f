import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import * as f from '../adapter-suite/basic-files.js';

/*
 * dbt-clickhouse tests/integration/adapter: clickhouse/test_clickhouse_table_materializations.py
 * (the cases that need no cluster), clickhouse/test_clickhouse_table_ttl.py, basic/test_engine_settings.py,
 * query_settings/test_query_settings.py — engine, order_by, settings and query_settings as
 * dbt-clickhouse reads them.
 */

const count = async (p: ReturnType<typeof dbtProject>, table: string) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.${table}`))[0]!.n);
const engineFull = async (p: ReturnType<typeof dbtProject>, table: string) =>
  (await p.query<{ engine_full: string }>(`SELECT engine_full FROM system.tables WHERE database = '{schema}' AND name = '${table}'`))[0]!.engine_full;

describe('dbt-clickhouse table materializations and settings', () => {
  it('TestMergeTreeTableMaterialization: engine, order_by over a Nullable key, settings and query_settings', async () => {
    const p = dbtProject({
      models: {
        'table_model.sql': `
          {{ config(
            order_by='(some_date, id, name)',
            engine='MergeTree()',
            materialized='table',
            settings={'allow_nullable_key': 1},
            query_settings={'allow_nondeterministic_mutations': 1})
        }}
        ${f.MODEL_BASE}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    expect(await p.relationTypes(['table_model'])).toEqual({ table_model: 'table' });
    expect(await count(p, 'table_model')).toBe(10);
    const engine = await engineFull(p, 'table_model');
    expect(engine).toMatch(/^MergeTree ORDER BY \(some_date, id, name\)/);
    expect(engine).toContain('allow_nullable_key = 1');
  });

  it('TestTableTTL: the ttl config is the table\'s TTL (the seed\'s old dates expire on OPTIMIZE FINAL; a row of now stays)', async () => {
    const p = dbtProject({
      models: {
        'table_model.sql': `
          {{ config(
            order_by='(some_date, id, name)',
            engine='MergeTree()',
            materialized='table',
            settings={'allow_nullable_key': 1},
            ttl='some_date + INTERVAL 5 SECONDS',
            query_settings={'allow_nondeterministic_mutations': 1})
        }}
        ${f.MODEL_BASE}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    expect(await engineFull(p, 'table_model')).toContain('TTL some_date + toIntervalSecond(5)');
    await p.query(`optimize table {schema}.table_model final`);
    expect(await count(p, 'table_model')).toBe(0);
    await p.query(`insert into {schema}.table_model (*) values (11, 'Elian', now())`);
    expect(await count(p, 'table_model')).toBe(1);
  });

  it('TestEngineSettings: replicated_deduplication_window = 0 on MergeTree tables only (inserts of equal blocks are never dropped)', async () => {
    const p = dbtProject({
      models: {
        'mergetree.sql': `
{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='id'
) }}

select 1 as id, 'test' as name
`,
        'memory.sql': `
{{ config(
    materialized='table',
    engine='Memory'
) }}

select 1 as id, 'test' as name
`,
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect(await engineFull(p, 'mergetree')).toContain('replicated_deduplication_window');
    expect(await engineFull(p, 'memory')).not.toContain('replicated_deduplication_window');
  });

  it('TestDistributedMaterializations.test_no_cluster_setting: distributed_table without a cluster is a Compilation Error', async () => {
    const p = dbtProject({
      models: {
        'distributed.sql': `
            {{ config(
                order_by='(some_date, id, name)',
                engine='MergeTree()',
                materialized='distributed_table',
                settings={'allow_nullable_key': 1})
            }}
        ${f.MODEL_BASE}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE },
    });
    await p.dbt(['seed']);
    const run = await p.dbt(['run', '--select', 'distributed'], { expectPass: false });
    expect(run.results[0]!.status).toBe('error');
    expect(run.results[0]!.message).toContain('Compilation Error');
  });
});

describe('dbt-clickhouse test_query_settings', () => {
  const joinModel = (value: 0 | 1) => `
{{
    config(
        materialized='table',
        query_settings={
            'join_use_nulls': ${value}
        }
    )
}}
select t2.id as test_id
from (select 1 as id) t1
         left join (select 2 as id) t2
on t1.id=t2.id
`;

  it('TestNullableColumnJoin / TestNotNullableColumnJoin: a model\'s join_use_nulls decides whether the joined column is Nullable', async () => {
    const p = dbtProject({ models: { 'nullable_column_model.sql': joinModel(1), 'not_nullable_column_model.sql': joinModel(0) } });
    await p.dbt(['run', '--select', 'nullable_column_model']);
    await p.dbt(['run', '--select', 'not_nullable_column_model']);
    expect(await p.query(`select isNullable(test_id) as n from {schema}.nullable_column_model`)).toEqual([{ n: 1 }]);
    expect(await p.query(`select isNullable(test_id) as n from {schema}.not_nullable_column_model`)).toEqual([{ n: 0 }]);
  });

  it('TestStringSettingsCorrectlyParsed: a string setting is quoted once, whether or not the config already quoted it', async () => {
    const model = (value: string) => `
{{
config(
    materialized='table',
    query_settings={
        "join_algorithm": ${value}
    }
    )
}}

select 1
`;
    const p = dbtProject({
      models: {
        'string_setting_unquoted.sql': model(`"full_sorting_merge"`),
        'string_setting_already_quoted.sql': model(`"'full_sorting_merge'"`),
      },
    });
    // Quoted twice, the setting's value would be \'full_sorting_merge\' and the CREATE would fail.
    for (const name of ['string_setting_unquoted', 'string_setting_already_quoted']) expect((await p.dbt(['run', '--select', name])).results[0]!.status).toBe('success');
    expect(await p.query(`select * from {schema}.string_setting_already_quoted`)).toEqual([{ '1': 1 }]);
  });
});

describe("the profile's schema is the session's database (dbt-clickhouse's connection `database`)", () => {
  it('a table named without its database is read from the target schema: in a model, a run_query and a hook', async () => {
    const p = dbtProject({
      models: {
        'base_rows.sql': `{{ config(materialized='table') }}\nselect number as n from numbers(3)`,
        // No ref(): the name alone, as dbt-clickhouse users write for tables of their own schema.
        'reader.sql': `{{ config(materialized='table', post_hook="insert into reader (n) select max(n) + 10 from base_rows") }}
-- depends_on: {{ ref('base_rows') }}
{% set found = run_query('select count(*) from base_rows') %}
select n, {{ found.columns[0].values()[0] if execute else 0 }} as total from base_rows`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select n, total from {schema}.reader order by n`)).toEqual([
      { n: '0', total: 3 },
      { n: '1', total: 3 },
      { n: '2', total: 3 },
      { n: '12', total: 0 },
    ]);
  });
});

/*
 * dbt-clickhouse's open PR 1b7bfe3 (over c5c810b), basic/test_manifest_settings.py
 * TestAdapterSettingsInManifest: the settings of a model's table are the same in the manifest of a
 * `parse` and of a `run`, so a deferred `state:modified+` run after an unchanged run selects nothing
 * (dbt-clickhouse injected its replicated_deduplication_window setting at run time only: every
 * model was state:modified). tsdbt writes that default into the DDL, not the config.
 */
describe('dbt-clickhouse test_manifest_settings.py (open PR)', () => {
  const MODEL = `
{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='id',
    settings={'allow_nullable_key': 1}
) }}
select 1 as id
`;
  it('TestAdapterSettingsInManifest: parse and run manifests agree on settings; a deferred state:modified+ run selects nothing', async () => {
    const p = dbtProject({ models: { 'my_model.sql': MODEL } });
    await p.dbt(['parse']);
    const settingsOf = () => p.readJson('target/manifest.json').nodes['model.test.my_model'].config.settings;
    const parsed = settingsOf();
    await p.dbt(['run']);
    expect(settingsOf()).toEqual(parsed);
    expect(parsed).toEqual({ allow_nullable_key: 1 });
    mkdirSync(join(p.dir, 'state'), { recursive: true });
    copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
    const r = await p.dbt(['run', '--select', 'state:modified+', '--defer', '--state', 'state/']);
    expect(r.results).toHaveLength(0);
  });
});
