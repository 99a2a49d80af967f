import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML, TARGET_MODEL_HACKERS } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_multiple_materialized_views_external_target.py:
 * two materialized_view models write into one table model through
 * `materialization_target_table(ref('hackers_target'))`; catchup fills it from both, inserts reach
 * it through both; a --full-refresh with a wider schema and a query-only change keep it fed.
 */
const DADE_CASE = (updated: boolean) =>
  updated
    ? "        when name like 'Dade' and age = 11 then 'zero cool'\n        when name like 'Dade' and age != 11 then 'crash override'\n"
    : "        when name like 'Dade' then 'crash_override'\n";
const mv1 = (variant: 'plain' | 'extended_schema' | 'updated_query') => {
  const select = (updated: boolean, extra: boolean) =>
    `select\n    id,\n    name,\n    case\n${DADE_CASE(updated)}        when name like 'Kate' then 'acid burn'\n        else 'N/A'\n    end as hacker_alias${extra ? ',\n    id as extra_col' : ''}\nfrom {{ source('raw', 'people') }}\nwhere department = 'engineering'\n`;
  const head = "\n{{ config(materialized='materialized_view') }}\n\n{{ materialization_target_table(ref('hackers_target')) }}\n\n";
  if (variant === 'plain') return head + select(false, false);
  const extended = variant === 'extended_schema';
  return `${head}{% if var('run_type', '') == '${variant}' %}\n${select(true, extended)}{% else %}\n${select(false, false)}{% endif %}\n`;
};
const mv2 = (extendable: boolean) => {
  const head = "\n{{ config(materialized='materialized_view') }}\n\n{{ materialization_target_table(ref('hackers_target')) }}\n\n";
  const select = (extra: boolean) => `select\n    id,\n    name,\n    'N/A' as hacker_alias${extra ? ',\n    id as extra_col' : ''}\nfrom {{ source('raw', 'people') }}\nwhere department = 'sales'\n`;
  return extendable ? `${head}{% if var('run_type', '') == 'extended_schema' %}\n${select(true)}{% else %}\n${select(false)}{% endif %}\n` : head + select(false);
};
const project = (models: Record<string, string>) => dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers_target.sql': TARGET_MODEL_HACKERS, ...models } });
type P = ReturnType<typeof project>;
const count = async (p: P) => Number((await p.query<{ n: string }>('select count(*) as n from {schema}.hackers_target'))[0]!.n);
const insertDades = (p: P) => p.query("insert into {schema}.people (id, name, age, department) values (1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')");
const dadeAliases = async (p: P) => (await p.query<{ a: string }>("select distinct hacker_alias as a from {schema}.hackers_target where name = 'Dade' order by a")).map((r) => r.a);

describe('dbt-clickhouse test_multiple_materialized_views_external_target', () => {
  it('TestMultipleExternalTargetMV.test_create: two views fill one target table and keep feeding it', async () => {
    const p = project({ 'hackers_mv1.sql': mv1('plain'), 'hackers_mv2.sql': mv2(false) });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.query<{ type: string }>('DESCRIBE TABLE {schema}.people'))[0]!.type).toBe('Int32');
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    expect((await p.query<{ type: string }>('DESCRIBE TABLE {schema}.hackers_target'))[0]!.type).toBe('Int32');
    expect((await p.query<{ type: string }>('DESCRIBE {schema}.hackers_mv1'))[0]!.type).toBe('Int32');
    expect((await p.query<{ type: string }>('DESCRIBE {schema}.hackers_mv2'))[0]!.type).toBe('Int32');
    expect(await p.relationTypes(['hackers_mv1', 'hackers_mv2', 'hackers_target'])).toEqual({ hackers_mv1: 'materialized_view', hackers_mv2: 'materialized_view', hackers_target: 'table' });
    expect(await count(p)).toBe(6);
    await p.query("insert into {schema}.people (id, name, age, department) values (4000,'Dave',40,'sales'), (9999,'Eugene',40,'engineering')");
    expect(await p.query('select id, name, hacker_alias from {schema}.hackers_target order by id')).toEqual([
      { id: 1000, name: 'Alfie', hacker_alias: 'N/A' },
      { id: 1231, name: 'Dade', hacker_alias: 'crash_override' },
      { id: 2000, name: 'Bill', hacker_alias: 'N/A' },
      { id: 3000, name: 'Charlie', hacker_alias: 'N/A' },
      { id: 4000, name: 'Dave', hacker_alias: 'N/A' },
      { id: 6666, name: 'Ksenia', hacker_alias: 'N/A' },
      { id: 8888, name: 'Kate', hacker_alias: 'acid burn' },
      { id: 9999, name: 'Eugene', hacker_alias: 'N/A' },
    ]);
  });

  it('TestUpdateMultipleExternalTargetMVFullRefresh: --full-refresh with a wider schema', async () => {
    const p = project({ 'hackers_mv1.sql': mv1('extended_schema'), 'hackers_mv2.sql': mv2(true) });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await count(p)).toBe(6);
    await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ run_type: 'extended_schema' })]);
    await insertDades(p);
    expect(await dadeAliases(p)).toEqual(['crash override', 'zero cool']);
    const columns = await p.query<{ name: string; type: string }>('DESCRIBE TABLE {schema}.hackers_target');
    expect(columns.some((c) => c.name === 'extra_col' && c.type === 'Int32')).toBe(true);
  });

  it('TestUpdateMultipleExternalTargetMVQueryOnly: a changed query without schema change', async () => {
    const p = project({ 'hackers_mv1.sql': mv1('updated_query'), 'hackers_mv2.sql': mv2(false) });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await count(p)).toBe(6);
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'updated_query' })]);
    await insertDades(p);
    expect(await dadeAliases(p)).toEqual(['crash_override', 'zero cool']);
  });
});
