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
