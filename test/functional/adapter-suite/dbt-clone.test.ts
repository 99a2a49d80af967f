import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter dbt_clone/test_dbt_clone.py as dbt-clickhouse runs it (BaseClonePossible,
 * BaseCloneNotPossible, BaseCloneSameTargetAndState, dbt-clickhouse's SameSourceAndTarget and
 * NonMergeTreeBecomesView): `clone --state state --target otherschema` copies the relations of the
 * state's environment; MergeTree tables by CLONE AS, the rest (and everything when the project's
 * can_clone_table says no) as views.
 */
const FILES = {
  models: {
    'table_model.sql': "\n{{ config(materialized='table') }}\nselect * from {{ ref('ephemeral_model') }}\n\n-- establish a macro dependency to trigger state:modified.macros\n-- depends on: {{ my_macro() }}\n",
    'view_model.sql': "\nselect * from {{ ref('seed') }}\n\n-- establish a macro dependency that trips infinite recursion if not handled\n-- depends on: {{ my_infinitely_recursive_macro() }}\n",
    'ephemeral_model.sql': "\n{{ config(materialized='ephemeral') }}\nselect * from {{ ref('view_model') }}\n",
    'schema.yml': '\nversion: 2\nmodels:\n  - name: view_model\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              severity: error\n          - not_null\n      - name: name\n',
    'exposures.yml': "\nversion: 2\nexposures:\n  - name: my_exposure\n    type: application\n    depends_on:\n      - ref('view_model')\n    owner:\n      email: test@example.com\n",
  },
  macros: {
    'macros.sql': "\n{% macro my_macro() %}\n    {% do log('in a macro' ) %}\n{% endmacro %}\n",
    'infinite_macros.sql':
      "\n{# trigger infinite recursion if not handled #}\n\n{% macro my_infinitely_recursive_macro() %}\n  {{ return(adapter.dispatch('my_infinitely_recursive_macro')()) }}\n{% endmacro %}\n\n{% macro default__my_infinitely_recursive_macro() %}\n    {% if unmet_condition %}\n        {{ my_infinitely_recursive_macro() }}\n    {% else %}\n        {{ return('') }}\n    {% endif %}\n{% endmacro %}\n",
    'get_schema_name.sql':
      "\n{% macro generate_schema_name(custom_schema_name, node) -%}\n    {%- set default_schema = target.schema -%}\n    {%- if custom_schema_name is not none -%}\n        {{ return(default_schema ~ '_' ~ custom_schema_name|trim) }}\n    -- put seeds into a separate schema in \"prod\", to verify that cloning in \"dev\" still works\n    {%- elif target.name == 'default' and node.resource_type == 'seed' -%}\n        {{ return(default_schema ~ '_' ~ 'seeds') }}\n    {%- else -%}\n        {{ return(default_schema) }}\n    {%- endif -%}\n{%- endmacro %}\n",
  },
  seeds: { 'seed.csv': 'id,name\n1,Alice\n2,Bob\n' },
  snapshots: {
    'snapshot.sql':
      "\n{% snapshot my_cool_snapshot %}\n\n    {{\n        config(\n            target_database=database,\n            target_schema=schema,\n            unique_key='id',\n            strategy='check',\n            check_cols=['id'],\n        )\n    }}\n    select * from {{ ref('view_model') }}\n\n{% endsnapshot %}\n",
  },
  projectConfig: 'seeds:\n  test:\n    quote_columns: false\n',
};

/** The profile of upstream's clone tests: `default` and `otherschema` outputs. */
function withOtherSchema(p: DbtProject): string {
  const other = `${p.schema}_other`;
  p.write({
    'profiles.yml': `test:\n  target: default\n  outputs:\n    default:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: 4\n    otherschema:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${other}\n      threads: 4\n`,
  });
  return other;
}

function copyState(p: DbtProject): void {
  mkdirSync(join(p.dir, 'state'), { recursive: true });
  copyFileSync(join(p.dir, 'target', 'manifest.json'), join(p.dir, 'state', 'manifest.json'));
}

async function runAndSaveState(p: DbtProject, withSnapshot = false): Promise<void> {
  expect((await p.dbt(['seed'])).results).toHaveLength(1);
  expect((await p.dbt(['run'])).results).toHaveLength(2);
  expect((await p.dbt(['test'])).results).toHaveLength(2);
  if (withSnapshot) expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  copyState(p);
}

async function relationTypes(p: DbtProject, schema: string): Promise<string[]> {
  const rows = await p.query<{ engine: string }>(`select engine from system.tables where database = '${schema}' order by name`);
  return rows.map((r) => (r.engine === 'View' ? 'view' : 'table')).sort();
}

const CLONE = ['clone', '--state', 'state', '--target', 'otherschema'];

describe('dbt clone (dbt-tests-adapter dbt_clone/test_dbt_clone.py)', () => {
  it('BaseClonePossible: tables are cloned, views stay views; a second clone is a no-op; --full-refresh recreates; --resource-type model', async () => {
    const p = dbtProject(FILES);
    const other = withOtherSchema(p);
    await runAndSaveState(p, true);

    expect((await p.dbt(CLONE)).results).toHaveLength(4);
    expect(await relationTypes(p, other)).toEqual(['table', 'table', 'table', 'view']);
    // The clone holds the state's rows.
    expect(await p.query(`select id, name from \`${other}\`.table_model order by id`)).toEqual([{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob' }]);

    const again = await p.dbt(CLONE);
    expect(again.results).toHaveLength(4);
    expect(again.results.every((r) => r.message.toLowerCase().includes('no-op'))).toBe(true);

    const refreshed = await p.dbt([...CLONE, '--full-refresh']);
    expect(refreshed.results).toHaveLength(4);
    expect(refreshed.results.some((r) => r.message.toLowerCase().includes('no-op'))).toBe(false);

    const models = await p.dbt([...CLONE, '--resource-type', 'model']);
    expect(models.results).toHaveLength(2);
    expect(models.results.every((r) => r.message.toLowerCase().includes('no-op'))).toBe(true);
  });

  it('BaseClonePossible: test_clone_no_state', async () => {
    const p = dbtProject(FILES);
    withOtherSchema(p);
    await runAndSaveState(p, true);
    const r = await p.dbt(['clone', '--target', 'otherschema'], { expectPass: false });
    expect(r.out.join('\n')).toContain('--state or --defer-state are required for deferral, but neither was provided');
  });

  it("BaseCloneNotPossible: the project's can_clone_table says no, so every relation is a view", async () => {
    const p = dbtProject({ ...FILES, macros: { ...FILES.macros, 'my_can_clone_tables.sql': '\n{% macro can_clone_table() %}\n    {{ return(False) }}\n{% endmacro %}\n' } });
    const other = withOtherSchema(p);
    await runAndSaveState(p, true);
    expect((await p.dbt(CLONE)).results).toHaveLength(4);
    expect(await relationTypes(p, other)).toEqual(['view', 'view', 'view', 'view']);
    const again = await p.dbt(CLONE);
    expect(again.results.every((r) => r.message.toLowerCase().includes('no-op'))).toBe(true);
    expect((await p.dbt([...CLONE, '--full-refresh'])).results).toHaveLength(4);
    const models = await p.dbt([...CLONE, '--resource-type', 'model']);
    expect(models.results).toHaveLength(2);
    expect(models.results.every((r) => r.message.toLowerCase().includes('no-op'))).toBe(true);
  });

  it('BaseCloneSameTargetAndState: --state target is refused', async () => {
    const p = dbtProject(FILES);
    withOtherSchema(p);
    await runAndSaveState(p);
    const r = await p.dbt(['clone', '--defer', '--state', 'target'], { expectPass: false });
    expect(r.out.join('\n')).toContain("The state and target directories are the same: 'target'");
  });

  it('dbt-clickhouse SameSourceAndTarget: cloning a relation onto itself is skipped', async () => {
    const p = dbtProject({
      models: {
        'source_based_model.sql': "\n{{ config(materialized='table') }}\nselect * from {{ source('test_source', 'source_table') }}\n",
        'source_schema.yml': '\nversion: 2\nsources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: source_table\n',
      },
    });
    await p.query(`create database if not exists {schema}`);
    await p.query("create table {schema}.source_table engine = MergeTree order by id as select 1 as id, 'test_data' as name union all select 2 as id, 'more_data' as name");
    await p.dbt(['run']);
    copyState(p);
    const r = await p.dbt(['clone', '--state', 'state', '--full-refresh', '--log-level', 'debug']);
    expect(r.out.join('\n')).toContain('skipping clone for relation');
  });

  it('dbt-clickhouse NonMergeTreeBecomesView: a table of another engine is cloned as a view', async () => {
    // Upstream's engine is Memory; a Memory table does not outlive the CLI's connection to the
    // embedded engine, so this one is Log (not a MergeTree either).
    const p = dbtProject({ models: { 'memory_model.sql': "{{ config(materialized='table', engine='Log') }}\nselect 1 as id, 'a' as name" } });
    const other = withOtherSchema(p);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    copyState(p);
    expect((await p.dbt(CLONE)).results).toHaveLength(1);
    expect(await relationTypes(p, other)).toEqual(['view']);
  });
});
