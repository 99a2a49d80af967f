import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/dictionary/test_dictionary.py: the `dictionary`
 * materialization (clickhouse sources from a query or a table, RANGE_HASHED, DIRECT, update_field,
 * update_lag), upstream model files unchanged. TestHttpDictionary needs the internet (skipped
 * upstream unless S3 tests run): not ported.
 */

const PEOPLE_SEED_CSV = `\
id,name,age,department
1231,Dade,33,engineering
6666,Ksenia,48,engineering
8888,Kate,50,engineering
`;

const HACKERS_MODEL = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'Int32'),
           ('name', 'String'),
           ('hacker_alias', 'String')
       ],
       primary_key='id',
       layout='COMPLEX_KEY_HASHED()',
       lifetime='1',
       source_type='clickhouse',
) }}

{% if var('run_type', '') == '' %}
select
    id,
    name,
    case
        when name like 'Dade' then 'crash_override'
        when name like 'Kate' then 'acid burn'
        when name like 'Eugene' then 'the plague'
        else 'N/A'
    end as hacker_alias
from {{ source('raw', 'people') }}

{% else %}

select
    id,
    name,
    case
        -- Dade wasn't always known as 'crash override'!
        when name like 'Dade' and age = 11 then 'zero cool'
        when name like 'Dade' and age != 11 then 'crash override'
        when name like 'Kate' then 'acid burn'
        when name like 'Eugene' then 'the plague'
        else 'N/A'
    end as hacker_alias
from {{ source('raw', 'people') }}
{% endif %}
`;

const PEOPLE_DICT_MODEL = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'Int32'),
           ('name', 'String'),
       ],
       primary_key='id',
       layout='HASHED()',
       lifetime='1',
       source_type='clickhouse',
       table='people'
) }}

select 1
`;

const SEED_SCHEMA_YML = `
version: 2

sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: people
      - name: people_updated
`;

const PEOPLE_UPDATED_SEED_CSV = `\
id,name,age,department,updated_at
1231,Dade,33,engineering,2024-01-01 00:00:00
6666,Ksenia,48,engineering,2024-01-02 00:00:00
8888,Kate,50,engineering,2024-01-03 00:00:00
`;

const RANGE_DICTIONARY = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'UInt8'),
           ('start', 'UInt8'),
           ('stop', 'UInt8'),
           ('value', 'String')
       ],
       primary_key='id',
       layout='RANGE_HASHED()',
       lifetime='MIN 0 MAX 0',
       source_type='clickhouse',
       range='min start max stop'
) }}

select
    c1 as id,
    c2 as start,
    c3 as stop,
    c4 as value
from values(
    (0, 0, 2, 'foo'),
    (0, 3, 5, 'bar')
)
`;

const DIRECT_DICTIONARY = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'UInt64'),
           ('name', 'String'),
       ],
       primary_key='id',
       layout='DIRECT()',
       source_type='clickhouse',
       table='people'
) }}

select 1
`;

const UPDATE_FIELD_DICTIONARY = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'Int32'),
           ('name', 'String'),
           ('updated_at', 'DateTime'),
       ],
       primary_key='id',
       layout='HASHED()',
       lifetime='MIN 0 MAX 60',
       source_type='clickhouse',
       update_field='updated_at',
) }}

select id, name, updated_at from {{ source('raw', 'people_updated') }}
`;

const UPDATE_LAG_DICTIONARY = `
{{ config(
       materialized='dictionary',
       fields=[
           ('id', 'Int32'),
           ('name', 'String'),
           ('updated_at', 'DateTime'),
       ],
       primary_key='id',
       layout='HASHED()',
       lifetime='MIN 0 MAX 60',
       source_type='clickhouse',
       update_field='updated_at',
       update_lag=120,
) }}

select id, name, updated_at from {{ source('raw', 'people_updated') }}
`;


const names = async (p: ReturnType<typeof dbtProject>, dict: string) =>
  new Set((await p.query<{ name: string }>(`select distinct name from {schema}.${dict}`)).map((r) => r.name));

describe('dbt-clickhouse test_dictionary', () => {
  it('TestQueryDictionary: a dictionary from a query; new source rows after a reload; a changed query on the next run', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': HACKERS_MODEL } });
    await p.dbt(['seed']);
    expect((await p.query<{ type: string }>(`DESCRIBE TABLE {schema}.people`))[0]!.type).toBe('Int32');
    await p.dbt(['run']);
    expect(await p.query(`select count(distinct id) as n from {schema}.hackers`)).toEqual([{ n: '3' }]);
    await p.query(`insert into {schema}.people ("id", "name", "age", "department") values (1232,'Dade',11,'engineering'), (9999,'Eugene',40,'malware')`);
    await p.query(`system reload dictionary {schema}.hackers`);
    expect(await p.query(`select count(distinct id) as n from {schema}.hackers`)).toEqual([{ n: '5' }]);
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema' })]);
    const aliases = new Set((await p.query<{ a: string }>(`select distinct hacker_alias as a from {schema}.hackers`)).map((r) => r.a));
    expect(aliases).toEqual(new Set(['zero cool', 'crash override', 'acid burn', 'the plague', 'N/A']));
  });

  it('TestTableDictionary: a dictionary over a table named in config (table=)', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'people_dict.sql': PEOPLE_DICT_MODEL } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await names(p, 'people_dict')).toEqual(new Set(['Dade', 'Kate', 'Ksenia']));
  });

  it('TestRangeDictionary: RANGE_HASHED with range=\'min start max stop\'', async () => {
    const p = dbtProject({ models: { 'range_dictionary.sql': RANGE_DICTIONARY } });
    await p.dbt(['run']);
    expect(await p.query(`select dictGet({schema}.range_dictionary, 'value', 0, 1) as v`)).toEqual([{ v: 'foo' }]);
    expect(await p.query(`select dictGet({schema}.range_dictionary, 'value', 0, 5) as v`)).toEqual([{ v: 'bar' }]);
  });

  it('TestDirectDictionary: DIRECT layout without a lifetime', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'direct_dictionary.sql': DIRECT_DICTIONARY } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await names(p, 'direct_dictionary')).toEqual(new Set(['Dade', 'Kate', 'Ksenia']));
  });

  for (const [name, file, model] of [
    ['TestUpdateFieldDictionary', 'update_field_dictionary', UPDATE_FIELD_DICTIONARY],
    ['TestUpdateLagDictionary', 'update_lag_dictionary', UPDATE_LAG_DICTIONARY],
  ] as const) {
    it(`${name}: update_field${file.includes('lag') ? ' and update_lag' : ''}`, async () => {
      const p = dbtProject({ seeds: { 'people_updated.csv': PEOPLE_UPDATED_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { [`${file}.sql`]: model } });
      await p.dbt(['seed']);
      await p.dbt(['run']);
      expect(await names(p, file)).toEqual(new Set(['Dade', 'Kate', 'Ksenia']));
    });
  }
});
