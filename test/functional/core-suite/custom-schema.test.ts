import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/schema/test_custom_schema.py (all five classes): a model's `schema`
 * config and a project's generate_schema_name / generate_alias_name overrides place the relations.
 * Upstream's _VALIDATION_SQL (Postgres DDL) makes `agg` in the target schema: here in ClickHouse
 * SQL. Upstream reads each result's node.schema; the port reads manifest.json's node schema.
 */
const SEED_CSV = `id,first_name,last_name,email,gender,ip_address
1,Jack,Hunter,jhunter0@pbs.org,Male,59.80.20.168
2,Kathryn,Walker,kwalker1@ezinearticles.com,Female,194.121.179.35
3,Gerald,Ryan,gryan2@com.com,Male,11.3.212.243`;
const TABLE_ONE = "\nselect * from {{ ref('seed') }}\n";
const TABLE_TWO = "\n{{ config(schema='custom') }}\nselect * from {{ ref('view_1') }}\n";
const COMBINED = `

with v1 as (

    select * from{{ ref('V1') }}

),

v2 as (

    select * from {{ ref('V2') }}

),

combined as (

    select last_name from v1
    union all
    select last_name from v2

)

select
    last_name,
    count(*) as count

from combined
group by 1
`;
const TABLE_THREE = "\n{{ config(materialized='table', schema='test') }}\n" + COMBINED.replace('V1', 'view_1').replace('V2', 'view_2');
const TABLE_THREE_DOT_MODEL = "\n{{ config(materialized='table') }}\n" + COMBINED.replace('V1', 'first_schema.view_1').replace('V2', 'second_schema.view_2');
const TABLE_TWO_DOT_MODEL = "select * from {{ ref('first_schema.view_1') }}";

const CUSTOM_MACRO = `
{% macro generate_schema_name(schema_name, node) %}

    {{ schema_name }}_{{ target.schema }}_macro

{% endmacro %}
`;
const CUSTOM_MACRO_W_CONFIG = `
{% macro generate_schema_name(schema_name, node) %}

    {{ node.config['schema'] }}_{{ target.schema }}_macro

{% endmacro %}
`;
const CUSTOM_MACRO_MULTI_SCHEMA = `
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- set node_name = node.name | trim -%}
    {%- set split_name = node_name.split('.') -%}
    {%- set n_parts = split_name | length -%}

    {{ split_name[1] if n_parts>1 else node_name }}

{%- endmacro -%}


{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
    {%- set default_schema = target.schema -%}
    {%- set node_name = node.name | trim -%}
    {%- set split_name = node_name.split('.') -%}
    {%- set n_parts = split_name | length -%}

    {{ split_name[0] if n_parts>1 else default_schema }}

{%- endmacro -%}
`;

/**
 * _VALIDATION_SQL: `seed` and `agg` (the expected table_3) in the target schema. A generate_schema_name
 * override places the dbt seed elsewhere (`None_<target>_macro`), so the views are compared with this seed.
 */
async function validationSql(p: DbtProject): Promise<void> {
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.seed (id Int32, first_name Nullable(String), last_name Nullable(String), email Nullable(String), gender Nullable(String), ip_address Nullable(String)) engine = MergeTree order by id');
  await p.query(`insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values
(1, 'Jack', 'Hunter', 'jhunter0@pbs.org', 'Male', '59.80.20.168'),
(2, 'Kathryn', 'Walker', 'kwalker1@ezinearticles.com', 'Female', '194.121.179.35'),
(3, 'Gerald', 'Ryan', 'gryan2@com.com', 'Male', '11.3.212.243')`);
  await p.query('create table {schema}.agg (last_name Nullable(String), count Int64) engine = MergeTree order by tuple()');
  await p.query("insert into {schema}.agg (last_name, count) values ('Hunter', 2), ('Walker', 2), ('Ryan', 2)");
}

async function schemas(p: DbtProject): Promise<Record<string, string>> {
  const nodes = p.readJson<{ nodes: Record<string, { resource_type: string; name: string; schema: string }> }>('target/manifest.json').nodes;
  return Object.fromEntries(Object.values(nodes).filter((n) => n.resource_type === 'model').map((n) => [n.name, n.schema]));
}

/** check_relations_equal across databases: `p.rows` reads the test schema, so copy the others' rows. */
async function rowsOf(p: DbtProject, relation: string): Promise<unknown[][]> {
  const [db, name] = relation.includes('.') ? relation.split('.') : [p.schema, relation];
  const cols = (await p.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${db}' AND table = '${name}' ORDER BY position`)).map((r) => r.name);
  expect(cols.length, `${relation} exists`).toBeGreaterThan(0);
  const list = cols.map((c) => `\`${c}\``).join(', ');
  const rows = await p.query<Record<string, unknown>>(`SELECT ${list} FROM \`${db}\`.\`${name}\` ORDER BY ${list}`);
  return rows.map((r) => cols.map((c) => r[c]));
}

async function expectEqual(p: DbtProject, a: string, b: string): Promise<void> {
  const expected = await rowsOf(p, a);
  expect(expected.length).toBeGreaterThan(0);
  expect(await rowsOf(p, b), `${b} equals ${a}`).toEqual(expected);
}

/** The schemas a case made besides the test schema (the harness removes only the project folder). */
async function dropSchemas(p: DbtProject, names: string[]): Promise<void> {
  for (const db of names) await p.query(`drop database if exists \`${db}\``);
}

const BASE = { seeds: { 'seed.csv': SEED_CSV }, models: { 'view_1.sql': TABLE_ONE, 'view_2.sql': TABLE_TWO, 'table_3.sql': TABLE_THREE } };

describe('custom schemas (schema/test_custom_schema.py)', () => {
  it('TestCustomSchema: <target>_<custom> for the project-level and model-level schema configs', async () => {
    const p = dbtProject({ ...BASE, projectConfig: 'models:\n  schema: dbt_test\n' });
    await validationSql(p);
    await p.dbt(['seed']);
    const r = await p.dbt(['run']);
    expect(r.results).toHaveLength(3);
    const s = p.schema;
    expect(await schemas(p)).toEqual({ view_1: `${s}_dbt_test`, view_2: `${s}_custom`, table_3: `${s}_test` });
    await expectEqual(p, 'seed', `${s}_dbt_test.view_1`);
    await expectEqual(p, 'seed', `${s}_custom.view_2`);
    await expectEqual(p, 'agg', `${s}_test.table_3`);
    await dropSchemas(p, [`${s}_dbt_test`, `${s}_custom`, `${s}_test`]);
  });

  it.each([
    ['TestCustomSchemaWithCustomMacro', CUSTOM_MACRO, ''],
    ['TestCustomSchemaWithPrefix', CUSTOM_MACRO_W_CONFIG, ''],
    [
      'TestCustomSchemaWithPrefixAndDispatch',
      CUSTOM_MACRO_W_CONFIG,
      'dispatch:\n  - macro_namespace: dbt\n    search_order: [test, package_macro_overrides, dbt]\n',
    ],
  ])('%s: a project generate_schema_name names the schema', async (name, macro, dispatch) => {
    const p = dbtProject({ ...BASE, macros: { 'custom_macro.sql': macro }, projectConfig: `models:\n  schema: dbt_test\n${dispatch}` });
    await validationSql(p);
    if (dispatch) await p.dbt(['deps']);
    await p.dbt(['seed']);
    const r = await p.dbt(['run']);
    expect(r.results).toHaveLength(3);
    const s = p.schema;
    expect(await schemas(p), name).toEqual({ view_1: `dbt_test_${s}_macro`, view_2: `custom_${s}_macro`, table_3: `test_${s}_macro` });
    await expectEqual(p, 'seed', `dbt_test_${s}_macro.view_1`);
    await expectEqual(p, 'seed', `custom_${s}_macro.view_2`);
    await expectEqual(p, 'agg', `test_${s}_macro.table_3`);
    await dropSchemas(p, [`dbt_test_${s}_macro`, `custom_${s}_macro`, `test_${s}_macro`, `None_${s}_macro`]);
  });

  it('TestCustomSchemaWithCustomMacroFromModelName: model files named <schema>.<name>', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': SEED_CSV },
      models: { 'first_schema.view_1.sql': TABLE_ONE, 'second_schema.view_2.sql': TABLE_TWO_DOT_MODEL, 'table_3.sql': TABLE_THREE_DOT_MODEL },
      macros: { 'custom_macro.sql': CUSTOM_MACRO_MULTI_SCHEMA },
      projectConfig: 'models:\n  schema: dbt_test\nseeds:\n  quote_columns: false\n',
    });
    await validationSql(p);
    await p.dbt(['seed']);
    const r = await p.dbt(['run']);
    expect(r.results).toHaveLength(3);
    expect(await schemas(p)).toEqual({ 'first_schema.view_1': 'first_schema', 'second_schema.view_2': 'second_schema', table_3: p.schema });
    await expectEqual(p, 'seed', 'first_schema.view_1');
    await expectEqual(p, 'seed', 'second_schema.view_2');
    await expectEqual(p, 'agg', `${p.schema}.table_3`);
    await dropSchemas(p, ['first_schema', 'second_schema']);
  });
});
