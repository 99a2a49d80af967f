import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';
import * as f from './materializations-fixtures.js';

/*
 * dbt-core's tests/functional/materializations/ (1.10.latest): package overrides of built-in
 * materializations (test_custom_materialization.py), ephemeral compilation, the runtime
 * materializations with --full-refresh and leftover __dbt_tmp/__dbt_backup relations, and
 * a materialization's supported_languages.
 */
const pkg = (dir: string, project: string, macros: Record<string, string>) => ({
  [`${dir}/dbt_project.yml`]: project,
  ...Object.fromEntries(Object.entries(macros).map(([k, v]) => [`${dir}/macros/${k}`, v])),
});
const localPackage = (dir: string) => `packages:\n  - local: ${dir}\n`;
const VIEW_MODEL = "\n{{ config(materialized='view') }}\nselect 1 as id\n\n";

describe('materializations/test_custom_materialization.py', () => {
  const adapterDep = pkg('override-view-adapter-dep', f.override_view_adapter_dep__dbt_project_yml, { 'override_view.sql': f.override_view_adapter_dep__macros__override_view_sql.replace("adapter='postgres'", "adapter='clickhouse'") });
  const defaultDep = pkg('override-view-default-dep', f.override_view_default_dep__dbt_project_yml, { 'default_view.sql': f.override_view_default_dep__macros__default_view_sql });
  const flags = (value: boolean) => `flags:\n  require_explicit_package_overrides_for_builtin_materializations: ${value}\n`;

  it('TestOverrideAdapterDependency: a package’s adapter-specific built-in override is ignored by default', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, files: { 'packages.yml': localPackage('override-view-adapter-dep'), ...adapterDep } });
    await p.dbt(['deps']);
    const r = await p.dbt(['run']);
    expect(r.out.join('\n')).not.toContain('is overriding the built-in materialization');
  });

  it('TestOverrideAdapterDependencyDeprecated', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, projectConfig: flags(true), files: { 'packages.yml': localPackage('override-view-adapter-dep'), ...adapterDep } });
    await p.dbt(['deps']);
    await p.dbt(['run']);
  });

  it('TestOverrideAdapterDependencyLegacy: with the flag false the package’s override is used', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, projectConfig: flags(false), files: { 'packages.yml': localPackage('override-view-adapter-dep'), ...adapterDep } });
    await p.dbt(['deps']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.results[0]?.message).toContain('intentionally raising an error in the');
    // dbt's PackageMaterializationOverrideDeprecation ("package-materialization-override"), once.
    expect(r.out.filter((l) => l.includes("Installed package 'view_adapter_override' is overriding the built-in materialization 'view'"))).toHaveLength(1);
  });

  it('TestOverrideDefaultDependency', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, files: { 'packages.yml': localPackage('override-view-default-dep'), ...defaultDep } });
    await p.dbt(['deps']);
    await p.dbt(['run']);
  });

  it('TestOverrideDefaultDependencyDeprecated', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, projectConfig: flags(true), files: { 'packages.yml': localPackage('override-view-default-dep'), ...defaultDep } });
    await p.dbt(['deps']);
    await p.dbt(['run']);
  });

  // On Postgres the view materialization is dbt's `default` one, which a package's `default` one
  // overrides (legacy flag) and a root one replaces; dbt-clickhouse's is `adapter='clickhouse'`, and dbt
  // ranks specificity before locality (MaterializationCandidate): a `default` override never wins there.
  it('TestOverrideDefaultDependencyLegacy (ClickHouse: the adapter’s view wins over a package’s default one)', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, projectConfig: flags(false), files: { 'packages.yml': localPackage('override-view-default-dep'), ...defaultDep } });
    await p.dbt(['deps']);
    const r = await p.dbt(['run']);
    expect(r.out.join('\n')).not.toContain('is overriding the built-in materialization');
  });

  it('TestOverrideDefaultDependencyRootOverride (ClickHouse: a root default view loses to the adapter’s; an adapter one may call the package’s)', async () => {
    const p = dbtProject({
      models: { 'model.sql': VIEW_MODEL },
      macros: { 'my_view.sql': "\n{% materialization view, default %}\n {{ return(view_default_override.materialization_view_default()) }}\n{% endmaterialization %}\n" },
      files: { 'packages.yml': localPackage('override-view-default-dep'), ...defaultDep },
    });
    await p.dbt(['deps']);
    await p.dbt(['run']);
    // The same root override for the adapter replaces tsdbt's view and calls the package's default one.
    p.write({ 'macros/my_view.sql': "\n{% materialization view, adapter='clickhouse' %}\n {{ return(view_default_override.materialization_view_default()) }}\n{% endmaterialization %}\n" });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.results[0]?.message).toContain('intentionally raising an error in the default view materialization');
  });

  it('TestCustomMaterializationDependency: a custom materialization from an installed package', async () => {
    const p = dbtProject({
      models: { 'model.sql': "\n{{ config(materialized='custom_materialization') }}\nselect 1 as id\n\n" },
      files: { 'packages.yml': localPackage('custom-materialization-dep'), ...pkg('custom-materialization-dep', f.custom_materialization_dep__dbt_project_yml, { 'custom_materialization.sql': f.custom_materialization_sql }) },
    });
    await p.dbt(['deps']);
    await p.dbt(['run']);
  });

  it('TestOverrideAdapterDependencyPassing', async () => {
    const p = dbtProject({ models: { 'model.sql': VIEW_MODEL }, files: { 'packages.yml': localPackage('override-view-adapter-pass-dep'), ...pkg('override-view-adapter-pass-dep', f.override_view_adapter_pass_dep__dbt_project_yml, { 'override_view.sql': f.override_view_adapter_pass_dep__macros__override_view_sql }) } });
    await p.dbt(['deps']);
    await p.dbt(['run']);
  });

  it('TestOverrideAdapterLocal: the root project’s adapter-specific materialization wins', async () => {
    const p = dbtProject({
      models: { 'model.sql': VIEW_MODEL },
      projectConfig: 'macro-paths: ["override-view-adapter-macros"]\n',
      files: {
        'packages.yml': localPackage('override-view-adapter-pass-dep'),
        ...pkg('override-view-adapter-pass-dep', f.override_view_adapter_pass_dep__dbt_project_yml, { 'override_view.sql': f.override_view_adapter_pass_dep__macros__override_view_sql }),
        'override-view-adapter-macros/override_view.sql': f.override_view_adapter_macros__override_view_sql.replace("adapter='postgres'", "adapter='clickhouse'"),
      },
    });
    await p.dbt(['deps']);
    await p.dbt(['run'], { expectPass: false });
  });

  it('TestOverrideDefaultReturn: a materialization that returns no relations fails the model', async () => {
    const p = dbtProject({
      models: { 'model.sql': VIEW_MODEL },
      projectConfig: 'macro-paths: ["override-view-return-no-relation"]\n',
      files: { 'override-view-return-no-relation/override_view.sql': f.override_view_return_no_relation__macros__override_view_sql },
    });
    await p.dbt(['deps']);
    // As written (`view, default`) it loses to the adapter's view on ClickHouse; for the adapter it runs.
    await p.dbt(['run']);
    p.write({ 'override-view-return-no-relation/override_view.sql': f.override_view_return_no_relation__macros__override_view_sql.replace('materialization view, default', "materialization view, adapter='clickhouse'") });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.results[0]?.message).toContain('did not explicitly return a list of relations');
  });
});

/*
 * materializations/test_runtime_materialization.py: view, table and incremental models over a seed,
 * run with --full-refresh (also from the `full_refresh: true` config), after rows were added by hand
 * and with a view on top of the models. ClickHouse SQL: INSERTs one per statement, `engine = Memory`.
 */
const RUNTIME_MODELS = {
  'view.sql': '\n{{\n  config(\n    materialized = "view"\n  )\n}}\n\nselect * from {{ this.schema }}.seed\n\n{% if is_incremental() %}\n    {% do exceptions.raise_compiler_error("is_incremental() evaluated to True in a view") %}\n{% endif %}\n\n',
  'incremental.sql': '\n{{\n  config(\n    materialized = "incremental"\n  )\n}}\n\nselect * from {{ this.schema }}.seed\n\n{% if is_incremental() %}\n\n    where id > (select max(id) from {{this}})\n\n{% endif %}\n\n',
  'materialized.sql': '\n{{\n  config(\n    materialized = "table"\n  )\n}}\n\nselect * from {{ this.schema }}.seed\n\n{% if is_incremental() %}\n    {% do exceptions.raise_compiler_error("is_incremental() evaluated to True in a table") %}\n{% endif %}\n\n',
};
const RUNTIME_SEED = `id,first_name,last_name,email,gender,ip_address
1,Jack,Hunter,jhunter0@pbs.org,Male,59.80.20.168
2,Kathryn,Walker,kwalker1@ezinearticles.com,Female,194.121.179.35
3,Gerald,Ryan,gryan2@com.com,Male,11.3.212.243
4,Bonnie,Spencer,bspencer3@ameblo.jp,Female,216.32.196.175
5,Harold,Taylor,htaylor4@people.com.cn,Male,253.10.246.136
6,Jacqueline,Griffin,jgriffin5@t.co,Female,16.13.192.220
7,Wanda,Arnold,warnold6@google.nl,Female,232.116.150.64
8,Craig,Ortiz,cortiz7@sciencedaily.com,Male,199.126.106.13
9,Gary,Day,gday8@nih.gov,Male,35.81.68.186
10,Rose,Wright,rwright9@yahoo.co.jp,Female,236.82.178.100
`;
const runSql = async (p: DbtProject, sql: string) => {
  for (const statement of sql.split(';').map((s) => s.trim()).filter(Boolean)) await p.query(statement);
};

for (const [label, projectConfig] of [
  ['TestRuntimeMaterialization', 'seeds:\n  quote_columns: false\n'],
  ['TestRuntimeMaterializationWithConfig', 'seeds:\n  quote_columns: false\nmodels:\n  full_refresh: true\n'],
] as const)
  describe(`materializations/test_runtime_materialization.py ${label}`, () => {
    const setup = async () => {
      const p = dbtProject({ models: RUNTIME_MODELS, seeds: { 'seed.csv': RUNTIME_SEED }, projectConfig });
      await p.dbt(['seed']);
      return p;
    };

    it('test_full_refresh', async () => {
      const p = await setup();
      expect((await p.dbt(['run', '-f'])).results).toHaveLength(3);
      await expectRelationsEqual(p, ['seed', 'view', 'incremental', 'materialized']);
      // A row added to the incremental model by hand: a full refresh rebuilds it from the seed.
      await runSql(p, "insert into {schema}.incremental (first_name, last_name, email, gender, ip_address) values ('Hank', 'Hund', 'hank@yahoo.com', 'Male', '101.239.70.175')");
      expect((await p.dbt(['run', '-f'])).results).toHaveLength(3);
      await expectRelationsEqual(p, ['seed', 'incremental']);
      await runSql(p, `create view {schema}.dependent_view as
    select count(*) from {schema}.materialized
    union all
    select count(*) from {schema}.view
    union all
    select count(*) from {schema}.incremental;
insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values (101, 'Michael', 'Perez', 'mperez0@chronoengine.com', 'Male', '106.239.70.175');
insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values (102, 'Shawn', 'Mccoy', 'smccoy1@reddit.com', 'Male', '24.165.76.182');
insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values (103, 'Kathleen', 'Payne', 'kpayne2@cargocollective.com', 'Female', '113.207.168.106');
insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values (104, 'Jimmy', 'Cooper', 'jcooper3@cargocollective.com', 'Male', '198.24.63.114');
insert into {schema}.seed (id, first_name, last_name, email, gender, ip_address) values (105, 'Katherine', 'Rice', 'krice4@typepad.com', 'Female', '36.97.186.238')`);
      expect((await p.dbt(['run', '-f'])).results).toHaveLength(3);
      await expectRelationsEqual(p, ['seed', 'view', 'incremental', 'materialized']);
    });

    it('test_delete_dbt_tmp_relation', async () => {
      const p = await setup();
      await p.dbt(['run', '-f']);
      // A __dbt_tmp / __dbt_backup relation left by an earlier dbt run does not interfere. dbt drops
      // them as its own scratch names; tsdbt's staging never uses them and leaves relations it did not
      // make alone (the existence checks of upstream are not ported).
      await runSql(p, 'create view {schema}.view__dbt_tmp as select 1 as id');
      expect((await p.dbt(['run', '--model', 'view'])).results).toHaveLength(1);
      await expectRelationsEqual(p, ['seed', 'view']);
      await runSql(p, 'create view {schema}.view__dbt_backup as select 1 as id');
      expect((await p.dbt(['run', '--model', 'view'])).results).toHaveLength(1);
      await expectRelationsEqual(p, ['seed', 'view']);
      expect((await p.dbt(['run', '--model', 'incremental'])).results).toHaveLength(1);
      await runSql(p, 'create table {schema}.incremental__dbt_tmp engine = Memory as select 1 as id');
      expect((await p.dbt(['run', '--model', 'incremental', '-f'])).results).toHaveLength(1);
      await expectRelationsEqual(p, ['seed', 'incremental']);
    });
  });

describe('materializations/test_ephemeral_compilation.py', () => {
  const EPHEMERAL = { 'int_eph_first.sql': f.int_eph_first_sql, 'fct_eph_first.sql': f.fct_eph_first_sql, 'schema.yml': f.schema_yml };

  it('TestEphemeralCompilation.test_ephemeral_compilation: run of ephemeral models only runs nothing', async () => {
    const p = dbtProject({ models: EPHEMERAL });
    const r = await p.dbt(['run']);
    expect(r.results).toHaveLength(0);
  });

  it('TestEphemeralCompilation.test__suppress_injected_ctes', async () => {
    const p = dbtProject({ models: EPHEMERAL });
    await p.dbt(['compile', '--no-inject-ephemeral-ctes', '--select', 'fct_eph_first']);
    // dbt strips a file's text before parsing (read_files.py strip=True; tsdbt keeps the model's leading
    // newline) and writes an ephemeral's CTE name unquoted (tsdbt: `__dbt__cte__x`, the same name).
    const compiled = readFileSync(join(p.dir, 'target/compiled/test/models/fct_eph_first.sql'), 'utf8').trim().replace(/`(__dbt__cte__\w+)`/g, '$1');
    expect(compiled).toBe('-- fct_eph_first.sql\n\n\nwith int_eph_first as(\n    select * from __dbt__cte__int_eph_first\n)\n\nselect * from int_eph_first');
  });

  it('TestLargeEphemeralCompilation: 8 of 11 table models built, no compilation errors', async () => {
    const p = dbtProject({
      models: { 'bar.sql': f.bar_sql, 'bar_1.sql': f.bar1_sql, 'bar_2.sql': f.bar2_sql, 'bar_3.sql': f.bar3_sql, 'bar_4.sql': f.bar4_sql, 'bar_5.sql': f.bar5_sql, 'baz.sql': f.baz_sql, 'baz_1.sql': f.baz1_sql, 'foo.sql': f.foo_sql, 'foo_1.sql': f.foo1_sql, 'foo_2.sql': f.foo2_sql },
    });
    const r = await p.dbt(['build']);
    expect(r.results).toHaveLength(8);
  });
});

/*
 * materializations/test_supported_languages.py: a materialization's `supported_languages` (default
 * ['sql']) must hold the model's language. A Python model runs through a materialization that
 * supports Python (this one runs SQL only: `select 1 as column1`); dbt-clickhouse's own
 * materializations are SQL only (test/functional/load/python-models.test.ts).
 */
describe('materializations/test_supported_languages.py', () => {
  const customMat = (langs?: string[]) =>
    `\n{% materialization custom_mat${langs ? `, supported_languages=[${langs.map((l) => `'${l}'`).join(', ')}]` : ''} %}\n    {%- set target_relation = this.incorporate(type='table') %}\n    {% call statement('main') -%}\n        select 1 as column1\n    {%- endcall %}\n    {{ return({'relations': [target_relation]}) }}\n{% endmaterialization %}\n`;
  for (const [label, langs, pass] of [
    ['TestSupportedLanguages_SupportsDefault_UsingSql', undefined, true],
    ['TestSupportedLanguages_SupportsSql_UsingSql', ['sql'], true],
    ['TestSupportedLanguages_SuppotsPython_UsingSql', ['python'], false],
    ['TestSupportedLanguages_SuppotsSqlAndPython_UsingSql', ['sql', 'python'], true],
  ] as const)
    it(label, async () => {
      const p = dbtProject({ macros: { 'custom_mat.sql': customMat(langs ? [...langs] : undefined) }, models: { 'sql_model.sql': "\n{{ config(materialized='custom_mat') }}\nselect 1 as fun\n" } });
      const r = await p.dbt(['run'], { expectPass: pass });
      if (!pass) expect(r.results[0]?.message).toContain(`Materialization "materialization_custom_mat_default" only supports languages ['python']; got "sql"`);
    });
  for (const [label, langs, pass] of [
    ['TestSupportedLanguages_SupportsDefault_UsingPython', undefined, false],
    ['TestSupportedLanguages_SuppotsSql_UsingPython', ['sql'], false],
    ['TestSupportedLanguages_SuppotsPython_UsingPython', ['python'], true],
    ['TestSupportedLanguages_SuppotsSqlAndPython_UsingPython', ['sql', 'python'], true],
  ] as const)
    it(label, async () => {
      const p = dbtProject({ macros: { 'custom_mat.sql': customMat(langs ? [...langs] : undefined) }, models: { 'py_model.py': "\ndef model(dbt, session):\n    dbt.config(materialized='custom_mat')\n    return\n" } });
      const r = await p.dbt(['run'], { expectPass: pass });
      expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['model.test.py_model', pass ? 'success' : 'error']]);
      if (!pass) expect(r.results[0]?.message).toContain(`Materialization "materialization_custom_mat_default" only supports languages ['sql']; got "python"`);
    });
});
