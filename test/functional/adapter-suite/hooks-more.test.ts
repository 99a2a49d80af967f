import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * More of dbt-tests-adapter hooks/test_model_hooks.py: hooks on seeds (post-hook / +post-hook,
 * a hook calling a dbt macro), a ref() in a seed's hook (a parsing error), hooks on snapshots
 * (including a custom snapshot-paths folder), hooks in a model's config() as a dict and as kwargs,
 * project and config hooks together (WithCount); hooks/test_run_hooks.py's seed command and
 * BaseAfterRunHooks. ClickHouse spellings: `add column new_col Int32`, UPDATE is `alter table …
 * update … where true` (a mutation, waited for), `null::int` is `CAST(NULL, 'Nullable(Int32)')`,
 * no VACUUM (`optimize table … final`).
 */
const SEED_CSV = 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n';
const SEED_MODELS = 'version: 2\nseeds:\n- name: example_seed\n  columns:\n  - name: new_col\n    data_tests:\n    - not_null\n';
const SNAPSHOT_MODELS = 'version: 2\nsnapshots:\n- name: example_snapshot\n  columns:\n  - name: new_col\n    data_tests:\n    - not_null\n';
const TEST_SNAPSHOT = "\n{% snapshot example_snapshot %}\n{{\n    config(target_schema=schema, unique_key='a', strategy='check', check_cols='all')\n}}\nselect * from {{ ref('example_seed') }}\n{% endsnapshot %}\n";
const ADD_AND_SET = ['alter table {{ this }} add column new_col Int32', 'alter table {{ this }} update new_col = 1 where true settings mutations_sync = 2'];
const yamlList = (indent: string, items: string[]) => items.map((i) => `${indent}- ${JSON.stringify(i)}`).join('\n');

const COLUMNS = 'test_state String, target_dbname Nullable(String), target_host Nullable(String), target_name String, target_schema String, target_type String, target_user Nullable(String), target_pass String, target_threads Int32, run_started_at String, invocation_id String, thread_id String';
const HOOK = (state: string) =>
  `insert into {{this.schema}}.on_model_hook (test_state, target_name, target_schema, target_type, target_pass, target_threads, run_started_at, invocation_id, thread_id) VALUES ('${state}', '{{ target.name }}', '{{ target.schema }}', '{{ target.type }}', '{{ target.get(\\"pass\\", \\"\\") }}', {{ target.threads }}, '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}')`;

async function createHookTable(p: DbtProject): Promise<void> {
  await p.query('create database if not exists {schema}');
  await p.query(`create table {schema}.on_model_hook (${COLUMNS}) engine = MergeTree order by tuple()`);
}
async function checkHooks(p: DbtProject, state: string, count = 1): Promise<void> {
  const rows = await p.query<Record<string, unknown>>(`select * from {schema}.on_model_hook where test_state = '${state}'`);
  expect(rows, `${state} rows`).toHaveLength(count);
  for (const r of rows) {
    expect([r.target_name, r.target_schema, r.target_type, r.target_pass, r.target_threads]).toEqual(['default', p.schema, 'clickhouse', '', 4]);
    expect(String(r.run_started_at).length).toBeGreaterThan(0);
    expect(String(r.invocation_id).length).toBeGreaterThan(0);
    expect(String(r.thread_id)).toMatch(/^Thread-\d+/);
  }
}

describe('hooks on seeds and snapshots, hooks in config (dbt-tests-adapter hooks/)', () => {
  it.each(['post-hook', '+post-hook'])('BasePrePostModelHooksOnSeeds (%s): seed post-hooks add and set a column the seed test reads', async (key) => {
    const hooks = key === 'post-hook' ? [...ADD_AND_SET, "select CAST(NULL, 'Nullable({{ dbt.type_int() }})') as id"] : ADD_AND_SET;
    const p = dbtProject({
      seeds: { 'example_seed.csv': SEED_CSV },
      models: { 'schema.yml': SEED_MODELS },
      projectConfig: `seed-paths: ["seeds"]\nmodels: {}\nseeds:\n  ${key}:\n${yamlList('    ', hooks)}\n  quote_columns: false\n`,
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const r = await p.dbt(['test']);
    expect(r.results.map((x) => x.status)).toEqual(['pass']);
    expect(await p.rows('example_seed', ['a', 'new_col'])).toEqual([[1, 1], [4, 1], [7, 1]]);
  });

  it('BaseHooksRefsOnSeeds: a ref() in a seed hook fails the parse ("Seeds cannot depend on other nodes")', async () => {
    const p = dbtProject({
      seeds: { 'example_seed.csv': SEED_CSV },
      models: { 'schema.yml': SEED_MODELS, 'post.sql': "\nselect 'end' as test_state\n" },
      projectConfig: "seeds:\n  post-hook:\n    - \"select * from {{ ref('post') }}\"\n",
    });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain('Seeds cannot depend on other nodes');
  });

  it.each(['test-snapshots', 'test-kwargs-snapshots'])('BasePrePostModelHooksOnSnapshots (snapshot-paths %s): snapshot post-hooks add and set a column', async (folder) => {
    const p = dbtProject({
      seeds: { 'example_seed.csv': SEED_CSV },
      models: { 'schema.yml': SNAPSHOT_MODELS },
      files: { [`${folder}/snapshot.sql`]: TEST_SNAPSHOT },
      projectConfig: `seed-paths: ["seeds"]\nsnapshot-paths: ["${folder}"]\nmodels: {}\nsnapshots:\n  post-hook:\n${yamlList('    ', ADD_AND_SET)}\nseeds:\n  quote_columns: false\n`,
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    const r = await p.dbt(['test']);
    expect(r.results.map((x) => x.status)).toEqual(['pass']);
  });

  it('BasePrePostModelHooksInConfig: pre_hook and post-hook in a config({...}) dict', async () => {
    const p = dbtProject({ models: { 'hooks.sql': `\n{{\n    config({\n        "pre_hook": "${HOOK('start')}",\n        "post-hook": "${HOOK('end')}"\n    })\n}}\n\nselect 3 as id\n` } });
    await createHookTable(p);
    await p.dbt(['run']);
    await checkHooks(p, 'start');
    await checkHooks(p, 'end');
  });

  it('BasePrePostModelHooksInConfigKwargs: pre_hook= and post_hook= keyword arguments', async () => {
    const p = dbtProject({ models: { 'hooks.sql': `\n{{\n    config(\n        pre_hook="${HOOK('start')}",\n        post_hook="${HOOK('end')}"\n    )\n}}\n\nselect 3 as id\n` } });
    await createHookTable(p);
    await p.dbt(['run']);
    await checkHooks(p, 'start');
    await checkHooks(p, 'end');
  });

  it('BasePrePostModelHooksInConfigWithCount: project hooks and config hooks both run (2 each)', async () => {
    const project = (state: string) => JSON.stringify(HOOK(state).replace(/\\"/g, '"'));
    const p = dbtProject({
      models: { 'hooks.sql': `\n{{\n    config({\n        "pre_hook": "${HOOK('start')}",\n        "post-hook": "${HOOK('end')}"\n    })\n}}\n\nselect 3 as id\n` },
      projectConfig: `models:\n  test:\n    pre-hook:\n      - ${project('start')}\n      - {sql: "optimize table {{ this.schema }}.on_model_hook final", transaction: false}\n    post-hook:\n      - {sql: "optimize table {{ this.schema }}.on_model_hook final", transaction: false}\n      - ${project('end')}\n`,
    });
    await createHookTable(p);
    await p.dbt(['run']);
    await checkHooks(p, 'start', 2);
    await checkHooks(p, 'end', 2);
  });
});

describe('run hooks (dbt-tests-adapter hooks/test_run_hooks.py)', () => {
  it('BasePrePostRunHooks.test_pre_and_post_seed_hooks: on-run-start / on-run-end run for `seed` too', async () => {
    const p = dbtProject({
      seeds: { 'example_seed.csv': SEED_CSV },
      projectConfig: `on-run-start:\n  - ${JSON.stringify(HOOK('start').replace(/\\"/g, '"').replace('{{this.schema}}', '{{ target.schema }}'))}\non-run-end:\n  - ${JSON.stringify(HOOK('end').replace(/\\"/g, '"').replace('{{this.schema}}', '{{ target.schema }}'))}\n`,
    });
    await createHookTable(p);
    await p.dbt(['seed']);
    const states = (await p.query<{ test_state: string }>('select test_state from {schema}.on_model_hook order by test_state')).map((r) => r.test_state);
    expect(states).toEqual(['end', 'start']);
  });

  it('BaseAfterRunHooks: an on-run-start macro that reads a relation that does not exist yet fails the run (a database error)', async () => {
    const p = dbtProject({
      macros: {
        'temp_macro.sql':
          "\n{% macro export_table_check() %}\n\n    {% set table = 'test_column' %}\n\n    {% set query %}\n        SELECT column_name\n        FROM {{ref(table)}}\n        LIMIT 1\n    {% endset %}\n\n    {%- if flags.WHICH in ('run', 'build') -%}\n        {% set results = run_query(query) %}\n        {% if execute %}\n            {%- if results.rows -%}\n                {{ exceptions.raise_compiler_error(\"ON_RUN_START_CHECK_NOT_PASSED: Data already exported. DBT Run aborted.\") }}\n            {% else -%}\n                {{ log(\"No data found in \" ~ table ~ \" for current day and runtime region. Proceeding...\", true) }}\n            {%- endif -%}\n        {%- endif -%}\n    {%- endif -%}\n{% endmacro %}\n",
      },
      models: { 'test_column.sql': '\nselect 1 as col\n' },
      projectConfig: 'on-run-start: "- {{ export_table_check() }}"\n',
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.code).toBe(1);
    expect(r.out.join('\n')).toMatch(/UNKNOWN_TABLE|Unknown table|does not exist/i);
  });
});
