import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter hooks/test_model_hooks.py (BasePrePostModelHooks with `pre-hook` and
 * `pre_hook` spellings and the {sql, transaction} form, BaseHookRefs, the duplicate-keys error that
 * dbt-clickhouse ports) and hooks/test_run_hooks.py (BasePrePostRunHooks: on-run-start/on-run-end in
 * order, `schemas` / `database_schemas` in on-run-end). ClickHouse has no VACUUM: the non-transaction
 * hooks are `optimize table … final`. Each hook row records the context dbt gives hooks.
 */
const COLUMNS = 'test_state String, target_dbname Nullable(String), target_host Nullable(String), target_name String, target_schema String, target_type String, target_user Nullable(String), target_pass String, target_threads Int32, run_started_at String, invocation_id String, thread_id String';
const HOOK = (state: string, table: string) => `insert into {{this.schema}}.${table} (test_state, target_name, target_schema, target_type, target_pass, target_threads, run_started_at, invocation_id, thread_id)
VALUES ('${state}', '{{ target.name }}', '{{ target.schema }}', '{{ target.type }}', '{{ target.get("pass", "") }}', {{ target.threads }}, '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}')`;
const yamlList = (items: string[]) => items.map((i) => `      - ${JSON.stringify(i)}`).join('\n');
async function createHookTable(p: DbtProject, table: string) {
  await p.query('create database if not exists {schema}');
  await p.query(`create table {schema}.${table} (${COLUMNS}) engine = MergeTree order by tuple()`);
}
async function checkHooks(p: DbtProject, table: string, state: string, count = 1) {
  const rows = await p.query<Record<string, unknown>>(`select * from {schema}.${table} where test_state = '${state}'`);
  expect(rows, `${state} rows`).toHaveLength(count);
  for (const r of rows) {
    expect([r.target_name, r.target_schema, r.target_type, r.target_pass, r.target_threads]).toEqual(['default', p.schema, 'clickhouse', '', 4]);
    expect(String(r.run_started_at).length).toBeGreaterThan(0);
    expect(String(r.invocation_id).length).toBeGreaterThan(0);
    expect(String(r.thread_id)).toMatch(/^(Thread-\d+|MainThread)/);
  }
}

describe('model hooks (dbt-tests-adapter hooks/test_model_hooks.py)', () => {
  it.each(['pre-hook', 'pre_hook'])('BasePrePostModelHooks (%s): project hooks, plain and {sql, transaction: false}', async (pre) => {
    const post = pre.replace('pre', 'post');
    const p = dbtProject({
      models: { 'hooks.sql': 'select 1 as id\n' },
      projectConfig: `models:\n  test:\n    ${pre}:\n${yamlList([HOOK('start', 'on_model_hook')])}\n      - {sql: "optimize table {{ this.schema }}.on_model_hook final", transaction: false}\n    ${post}:\n      - {sql: "optimize table {{ this.schema }}.on_model_hook final", transaction: false}\n${yamlList([HOOK('end', 'on_model_hook')])}\n`,
    });
    await createHookTable(p, 'on_model_hook');
    await p.dbt(['run']);
    await checkHooks(p, 'on_model_hook', 'start');
    await checkHooks(p, 'on_model_hook', 'end');
  });

  it('BaseHookRefs: a post-hook refs another model (which makes it a dependency)', async () => {
    const p = dbtProject({
      models: {
        'hooked.sql': `{{ config(pre_hook="insert into {{this.schema}}.on_model_hook (test_state, target_name, target_schema, target_type, target_pass, target_threads, run_started_at, invocation_id, thread_id) select test_state, '{{ target.name }}', '{{ target.schema }}', '{{ target.type }}', '', {{ target.threads }}, '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}' from {{ ref('pre') }}") }}\nselect 1 as id\n`,
        'post.sql': "select 'end' as test_state\n",
        'pre.sql': "select 'start' as test_state\n",
      },
      projectConfig: `models:\n  test:\n    hooked:\n      post-hook:\n${yamlList([`insert into {{this.schema}}.on_model_hook (test_state, target_name, target_schema, target_type, target_pass, target_threads, run_started_at, invocation_id, thread_id) select test_state, '{{ target.name }}', '{{ target.schema }}', '{{ target.type }}', '', {{ target.threads }}, '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}' from {{ ref('post') }}`])}\n`,
    });
    await createHookTable(p, 'on_model_hook');
    await p.dbt(['run']);
    await checkHooks(p, 'on_model_hook', 'start');
    await checkHooks(p, 'on_model_hook', 'end');
  });

  it('TestDuplicateHooksInConfigs (dbt-clickhouse): pre_hook and pre-hook in one config() is a compilation error naming both', async () => {
    const p = dbtProject({ models: { 'hooks.sql': '{{ config({"pre_hook": "select 1", "pre-hook": "select 2"}) }}\nselect 1 as id\n' } });
    const r = await p.dbt(['run'], { expectPass: false });
    const text = r.out.join('\n');
    expect(text).toContain('pre_hook');
    expect(text).toContain('pre-hook');
  });
});

describe('run hooks (dbt-tests-adapter hooks/test_run_hooks.py)', () => {
  it('BasePrePostRunHooks: on-run-start / on-run-end run in order with dbt context; schemas and database_schemas', async () => {
    const p = dbtProject({
      macros: {
        'hook.sql': `{% macro custom_run_hook(state, target, run_started_at, invocation_id) %}
   insert into {{ target.schema }}.on_run_hook (test_state, target_name, target_schema, target_type, target_pass, target_threads, run_started_at, invocation_id, thread_id)
   VALUES ('{{ state }}', '{{ target.name }}', '{{ target.schema }}', '{{ target.type }}', '{{ target.get("pass", "") }}', {{ target.threads }}, '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}')
{% endmacro %}`,
      },
      models: { 'hooks.sql': 'select 1 as id\n' },
      seeds: { 'example_seed.csv': 'a,b,c\n1,2,3\n' },
      projectConfig: `on-run-start:
${yamlList(["{{ custom_run_hook('start', target, run_started_at, invocation_id) }}", 'create table {{ target.schema }}.start_hook_order_test ( id int ) engine = Memory', 'drop table {{ target.schema }}.start_hook_order_test', "{{ log(env_var('TERM_TEST', 'TESTING'), info=True) }}"]).replaceAll('      - ', '  - ')}
on-run-end:
${yamlList([
  "{{ custom_run_hook('end', target, run_started_at, invocation_id) }}",
  'create table {{ target.schema }}.end_hook_order_test ( id int ) engine = Memory',
  'drop table {{ target.schema }}.end_hook_order_test',
  'create table {{ target.schema }}.schemas ( schema String ) engine = MergeTree order by tuple()',
  "insert into {{ target.schema }}.schemas (schema) values {% for schema in schemas %}( '{{ schema }}' ){% if not loop.last %},{% endif %}{% endfor %}",
  'create table {{ target.schema }}.db_schemas ( db String, schema String ) engine = MergeTree order by tuple()',
  "insert into {{ target.schema }}.db_schemas (db, schema) values {% for db, schema in database_schemas %}('{{ db }}', '{{ schema }}' ){% if not loop.last %},{% endif %}{% endfor %}",
]).replaceAll('      - ', '  - ')}
seeds:
  quote_columns: false
`,
    });
    await createHookTable(p, 'on_run_hook');
    await p.dbt(['run']);
    await checkHooks(p, 'on_run_hook', 'start');
    await checkHooks(p, 'on_run_hook', 'end');
    expect(await p.query('select * from {schema}.schemas')).toEqual([{ schema: p.schema }]);
    expect(await p.query('select * from {schema}.db_schemas')).toEqual([{ db: '', schema: p.schema }]);
    for (const t of ['start_hook_order_test', 'end_hook_order_test']) expect(await p.query(`select name from system.tables where database = '{schema}' and name = '${t}'`)).toEqual([]);
  });
});
