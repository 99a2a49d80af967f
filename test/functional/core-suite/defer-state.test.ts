import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { dbtProject, type DbtProject, type DbtResult } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/defer_state/test_defer_state.py: a production run's manifest kept in
 * state/, then commands on another target (`otherschema`) with --defer read unselected parents
 * from the state's relations (--favor-state: even when they exist in the target). Upstream fixtures
 * (defer_state/fixtures.py) as written; a run's compiled code is read from run_results.json.
 */
const F = {
  seed_csv: 'id,name\n1,Alice\n2,Bob\n',
  table_model_sql: "\n{{ config(materialized='table') }}\nselect * from {{ ref('ephemeral_model') }}\n\n-- establish a macro dependency to trigger state:modified.macros\n-- depends on: {{ my_macro() }}\n",
  changed_table_model_sql: "\n{{ config(materialized='table') }}\nselect 1 as fun\n",
  view_model_sql: "\nselect * from {{ ref('seed') }}\n\n-- establish a macro dependency that trips infinite recursion if not handled\n-- depends on: {{ my_infinitely_recursive_macro() }}\n",
  view_model_now_table_sql: "\n{{ config(materialized='table') }}\nselect * from {{ ref('seed') }}\n\n-- establish a macro dependency that trips infinite recursion if not handled\n-- depends on: {{ my_infinitely_recursive_macro() }}\n",
  changed_view_model_sql: '\nselect * from no.such.table\n',
  ephemeral_model_sql: "\n{{ config(materialized='ephemeral') }}\nselect * from {{ ref('view_model') }}\n",
  changed_ephemeral_model_sql: "\n{{ config(materialized='ephemeral') }}\nselect * from no.such.table\n",
  schema_yml: '\nversion: 2\nmodels:\n  - name: view_model\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config:\n                severity: error\n          - not_null\n      - name: name\n',
  exposures_yml: "\nversion: 2\nexposures:\n  - name: my_exposure\n    type: application\n    depends_on:\n      - ref('view_model')\n    owner:\n      email: test@example.com\n",
  macros_sql: "\n{% macro my_macro() %}\n    {% do log('in a macro' ) %}\n{% endmacro %}\n",
  infinite_macros_sql:
    "\n{# trigger infinite recursion if not handled #}\n\n{% macro my_infinitely_recursive_macro() %}\n  {{ return(adapter.dispatch('my_infinitely_recursive_macro')()) }}\n{% endmacro %}\n\n{% macro default__my_infinitely_recursive_macro() %}\n    {% if unmet_condition %}\n        {{ my_infinitely_recursive_macro() }}\n    {% else %}\n        {{ return('') }}\n    {% endif %}\n{% endmacro %}\n",
  snapshot_sql:
    "\n{% snapshot my_cool_snapshot %}\n\n    {{\n        config(\n            target_database=database,\n            target_schema=schema,\n            unique_key='id',\n            strategy='check',\n            check_cols=['id'],\n        )\n    }}\n    select * from {{ ref('view_model') }}\n\n{% endsnapshot %}\n",
};

/** BaseDeferState: the project, with a second output `otherschema` (schema `<schema>_other`). */
function baseDeferState(): { p: DbtProject; other: string } {
  const p = dbtProject({
    models: { 'table_model.sql': F.table_model_sql, 'view_model.sql': F.view_model_sql, 'ephemeral_model.sql': F.ephemeral_model_sql, 'schema.yml': F.schema_yml, 'exposures.yml': F.exposures_yml },
    macros: { 'macros.sql': F.macros_sql, 'infinite_macros.sql': F.infinite_macros_sql },
    seeds: { 'seed.csv': F.seed_csv },
    snapshots: { 'snapshot.sql': F.snapshot_sql },
    projectConfig: 'seeds:\n  test:\n    quote_columns: false\n',
  });
  const other = `${p.schema}_other`;
  const output = (schema: string) => `      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 4\n`;
  p.write({ 'profiles.yml': `test:\n  target: default\n  outputs:\n    default:\n${output(p.schema)}    otherschema:\n${output(other)}` });
  return { p, other };
}

function copyState(p: DbtProject): void {
  mkdirSync(join(p.dir, 'state'), { recursive: true });
  copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
}

async function runAndSaveState(p: DbtProject, withSnapshot = false): Promise<void> {
  expect((await p.dbt(['seed'])).results).toHaveLength(1);
  expect((await p.dbt(['run'])).results).toHaveLength(2);
  expect((await p.dbt(['test'])).results).toHaveLength(2);
  if (withSnapshot) expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
  copyState(p);
}

const compiled = (r: DbtResult, i: number) => String((r.results[i] as { compiled_code?: string }).compiled_code);
const named = (r: DbtResult, name: string) => r.results.find((x) => x.unique_id.endsWith(`.${name}`))!;

describe('deferral to a previous state (defer_state/test_defer_state.py)', () => {
  it('TestDeferStateUnsupportedCommands: snapshot --defer without state files is an error', async () => {
    const { p } = baseDeferState();
    await p.dbt(['snapshot', '--state', 'state', '--defer'], { expectPass: false });
  });

  // dbt's 6 compile results count the seed (nothing to compile) first; tsdbt's compile writes no
  // run_results.json and its count is of the nodes with SQL: 2 models, the snapshot, 2 tests.
  it('TestRunCompileState: compile --state --defer compiles the nodes with SQL', async () => {
    const { p } = baseDeferState();
    await runAndSaveState(p);
    const r = await p.dbt(['compile', '--state', 'state', '--defer']);
    expect(r.out.join('\n')).toMatch(/Compiled 5 nodes/);
    const nodes = p.readJson('target/manifest.json').nodes as Record<string, { compiled_code?: string }>;
    const compiledIds = Object.keys(nodes).filter((id) => nodes[id]!.compiled_code !== undefined).map((id) => id.replace(/\.[0-9a-f]{10}$/, ''));
    // The ephemeral model too: dbt compiles it (listed among the results only with --select).
    expect(compiledIds.sort()).toEqual(['model.test.ephemeral_model', 'model.test.table_model', 'model.test.view_model', 'snapshot.test.my_cool_snapshot', 'test.test.not_null_view_model_id', 'test.test.unique_view_model_id']);
  });

  it('TestSnapshotState: snapshot with --defer and --favor-state', async () => {
    const { p } = baseDeferState();
    await runAndSaveState(p);
    await p.dbt(['snapshot']);
    copyState(p);
    await p.dbt(['snapshot', '--state', 'state', '--defer']);
    await p.dbt(['snapshot', '--state', 'state', '--defer', '--favor-state']);
  });

  it('TestRunDeferState: on another target, test/run fail without state and pass with --defer', async () => {
    const { p, other } = baseDeferState();
    await p.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
    await runAndSaveState(p);
    await p.dbt(['test', '--target', 'otherschema'], { expectPass: false });
    await p.dbt(['docs', 'generate', '--target', 'otherschema']);
    const catalog = p.readJson('target/catalog.json');
    expect(Object.keys(catalog.nodes)).toEqual([]);
    await p.dbt(['run', '--target', 'otherschema'], { expectPass: false });
    await p.dbt(['test', '-m', 'view_model+', '--state', 'state', '--defer', '--target', 'otherschema']);
    await p.dbt(['docs', 'generate', '-m', 'view_model+', '--state', 'state', '--defer', '--target', 'otherschema']);
    expect(Object.keys(p.readJson('target/catalog.json').nodes)).not.toContain('seed.test.seed');
    const r = await p.dbt(['run', '-m', 'view_model', '--state', 'state', '--defer', '--target', 'otherschema']);
    expect(r.results).toHaveLength(1);
    expect(compiled(r, 0)).not.toContain(other);
    expect(compiled(r, 0)).toContain(p.schema);
  });

  it('TestRunDeferStateChangedModel: a changed selected model runs as changed; a changed ephemeral parent is seen', async () => {
    const { p } = baseDeferState();
    await runAndSaveState(p);
    p.write({ 'models/view_model.sql': F.changed_view_model_sql });
    await p.dbt(['run', '-m', 'view_model', '--state', 'state', '--defer', '--target', 'otherschema'], { expectPass: false });
    await p.dbt(['run', '-m', 'table_model', '--state', 'state', '--defer', '--target', 'otherschema']);
    p.write({ 'models/ephemeral_model.sql': F.changed_ephemeral_model_sql });
    await p.dbt(['run', '-m', 'table_model', '--state', 'state', '--defer', '--target', 'otherschema'], { expectPass: false });
  });

  it('TestRunDeferStateIFFNotExists: a parent built in the target is read there, unless --favor-state', async () => {
    const { p, other } = baseDeferState();
    await p.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
    await runAndSaveState(p);
    expect((await p.dbt(['seed', '--target', 'otherschema'])).results).toHaveLength(1);
    let r = await p.dbt(['run', '--state', 'state', '--defer', '--target', 'otherschema']);
    expect(r.results).toHaveLength(2);
    expect(String((named(r, 'view_model') as { compiled_code?: string }).compiled_code)).toContain(other);
    r = await p.dbt(['run', '--state', 'state', '--defer', '--favor-state', '--target', 'otherschema']);
    expect(r.results).toHaveLength(2);
    expect(String((named(r, 'view_model') as { compiled_code?: string }).compiled_code)).not.toContain(other);
    r = await p.dbt(['build', '--state', 'state', '--select', 'seed view_model', '--resource-type', 'seed', 'model', '--defer', '--favor-state', '--target', 'otherschema']);
    expect(r.results).toHaveLength(2);
    expect(String((named(r, 'view_model') as { compiled_code?: string }).compiled_code)).toContain(other);
  });

  it('TestDeferStateDeletedUpstream: a model deleted since the state is no error; the target\'s models are preferred unless --favor-state', async () => {
    const { p, other } = baseDeferState();
    await p.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
    await runAndSaveState(p);
    p.remove('models/ephemeral_model.sql');
    p.write({ 'models/table_model.sql': F.changed_table_model_sql });
    await p.dbt(['run', '-m', 'view_model', '--state', 'state', '--defer', '--target', 'otherschema']);
    let r = await p.dbt(['test', '--state', 'state', '--defer', '--target', 'otherschema']);
    expect(compiled(r, 0)).toContain(other);
    await p.dbt(['run', '-m', 'view_model', '--state', 'state', '--defer', '--favor-state', '--target', 'otherschema']);
    r = await p.dbt(['test', '--state', 'state', '--defer', '--favor-state']);
    expect(compiled(r, 0)).not.toContain(other);
  });

  it('TestDeferStateFlag: --defer-state apart from --state; retry of a deferred run', async () => {
    const { p, other } = baseDeferState();
    await p.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
    await p.dbt(['compile', '--target-path', 'target_compile']);
    p.write({ 'models/table_model.sql': F.view_model_now_table_sql });
    const ls = await p.dbt(['ls', '--select', 'state:modified', '--state', 'target_compile']);
    expect(ls.out.filter((l) => l.startsWith('test.'))).toEqual(['test.table_model']);
    await p.dbt(['seed', '--target', 'otherschema', '--target-path', 'target_otherschema']);
    await p.dbt(['run', '--select', 'state:modified', '--defer', '--state', 'target_compile', '--favor-state'], { expectPass: false });
    await p.dbt(['retry'], { expectPass: false });
    const noState = await p.dbt(['run', '--select', 'state:modified', '--defer', '--defer-state', 'target_otherschema', '--favor-state'], { expectPass: false });
    expect(noState.out.join('\n')).toMatch(/Got a state selector method, but no comparison manifest/);
    const r = await p.dbt(['run', '--select', 'state:modified', '--defer', '--state', 'target_compile', '--defer-state', 'target_otherschema', '--favor-state']);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.status).toBe('success');
    expect(r.results[0]!.unique_id).toBe('model.test.table_model');
    expect(r.results[0]!.adapter_response?.rows_affected).toBe(2);
  });
});
