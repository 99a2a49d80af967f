import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';
import { TsdbtError, type TsdbtProject } from '../../../packages/core/src/index.js';
import { queryCommenter } from '../../../packages/core/src/execute/query-comments.js';

let p: InlineProject | undefined;
let opened: TsdbtProject | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
  p?.cleanup();
  p = undefined;
});

/** An installed package `pkg_a` (as tsdbt deps leaves it under dbt_packages/), plus the root's files. */
function withPackage(files: Record<string, string>, pkg: Record<string, string> = {}, rootYml = 'name: proj\nprofile: proj\n') {
  const installed = Object.fromEntries(
    Object.entries({
      'dbt_project.yml': "name: pkg_a\nversion: '1.0.0'\nrequire-dbt-version: ['>=1.3.0', '<2.0.0']\nmodels:\n  pkg_a:\n    +materialized: table\n    +tags: [from_pkg]\nvars:\n  greeting: hello-from-pkg\n  shared: pkg\n",
      'models/pkg_model.sql': "select 1 as id, '{{ var(\"greeting\") }}' as greeting, '{{ var(\"shared\") }}' as shared",
      'models/staging/pkg_stg.sql': "{{ config(materialized='view') }}select * from {{ ref('pkg_seed') }}",
      'seeds/pkg_seed.csv': 'id,name\n1,a\n2,b\n',
      'macros/helpers.sql': "{% macro double(x) %}({{ x }} * 2){% endmacro %}\n{% macro _private() %}private{% endmacro %}\n{% macro uses_private() %}{{ pkg_a._private() }}{% endmacro %}\n{% macro default__greet() %}'pkg'{% endmacro %}\n{% macro greet() %}{{ return(adapter.dispatch('greet', 'pkg_a')()) }}{% endmacro %}\n",
      'macros/boom.sql': "{% macro boom() %}\n  select\n  {{ exceptions.raise_compiler_error('boom in package') }}\n{% endmacro %}\n",
      'tests/generic/is_even.sql': '{% test is_even(model, column_name) %}select * from {{ model }} where {{ column_name }} % 2 = 1{% endtest %}',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: pkg_model\n    columns:\n      - name: id\n        tests: [not_null]\n',
      ...pkg,
    }).map(([k, v]) => [`dbt_packages/pkg_a/${k}`, v]),
  );
  p = inlineProject({ 'packages.yml': 'packages:\n  - local: ../pkg_a_source\n', ...installed, ...files }, { projectYml: rootYml });
  return p;
}

function loadError(run: () => unknown): TsdbtError {
  try {
    run();
  } catch (e) {
    if (e instanceof TsdbtError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('installed packages load as projects of their own', () => {
  it('loads their models, seeds, macros, generic tests and YAML under their own namespace', async () => {
    withPackage({ 'models/root_model.sql': "select {{ pkg_a.double('id') }} as d from {{ ref('pkg_a', 'pkg_model') }} join {{ ref('pkg_stg') }} using id" });
    opened = p!.open();
    const nodes = opened.manifest.nodes;
    const model = nodes.get('model.pkg_a.pkg_model')!;
    expect([model.packageName, model.fqn, model.originalFilePath]).toEqual(['pkg_a', ['pkg_a', 'pkg_model'], 'dbt_packages/pkg_a/models/pkg_model.sql']);
    expect(nodes.get('model.pkg_a.pkg_stg')!.fqn).toEqual(['pkg_a', 'staging', 'pkg_stg']);
    expect(nodes.get('seed.pkg_a.pkg_seed')!.packageName).toBe('pkg_a');
    expect(nodes.get('model.proj.root_model')!.dependsOn.sort()).toEqual(['model.pkg_a.pkg_model', 'model.pkg_a.pkg_stg']);
    const test = [...nodes.values()].find((n) => n.resourceType === 'test')!;
    expect([test.packageName, test.uniqueId.startsWith('test.pkg_a.not_null_pkg_model_id.')]).toEqual(['pkg_a', true]);
    expect(opened.manifest.macros.get('macro.pkg_a.double')!.originalFilePath).toBe('dbt_packages/pkg_a/macros/helpers.sql');
    expect(opened.manifest.macros.has('macro.pkg_a.test_is_even')).toBe(true);
    const [compiled] = await opened.compile({ select: ['root_model'], write: false });
    expect(compiled!.sql).toContain('select (id * 2) as d from');
    // dbt's package: selector and fqn selection by package name.
    expect(opened.select({ select: ['package:pkg_a'], resourceTypes: ['model'] }).sort()).toEqual(['model.pkg_a.pkg_model', 'model.pkg_a.pkg_stg']);
    expect(opened.select({ select: ['pkg_a.staging'] })).toEqual(['model.pkg_a.pkg_stg']);
  });

  it("applies the package's dbt_project.yml configs, then its own config() calls, then the root project's configs for it (dbt's precedence)", () => {
    withPackage({}, {}, 'name: proj\nprofile: proj\nmodels:\n  pkg_a:\n    +schema: from_root\n    staging:\n      +materialized: table\n');
    opened = p!.open();
    const model = opened.manifest.nodes.get('model.pkg_a.pkg_model')!;
    expect([model.config.materialized, model.config.tags, model.relation.schema]).toEqual(['table', ['from_pkg'], `${p!.schema}_from_root`]);
    // The root project's +materialized wins over the package model's own config(materialized='view').
    expect(opened.manifest.nodes.get('model.pkg_a.pkg_stg')!.config.materialized).toBe('table');
  });

  it("gives a package's nodes its vars, overridden by the root project's (global or scoped to the package) and by --vars", async () => {
    withPackage({}, {}, 'name: proj\nprofile: proj\nvars:\n  shared: root\n  pkg_a:\n    greeting: hello-from-root\n');
    opened = p!.open();
    let [c] = await opened.compile({ select: ['pkg_model'], write: false });
    expect(c!.sql).toBe("select 1 as id, 'hello-from-root' as greeting, 'root' as shared");
    await opened.close();
    opened = p!.open({ vars: { shared: 'cli' } });
    [c] = await opened.compile({ select: ['pkg_model'], write: false });
    expect(c!.sql).toContain("'cli' as shared");
  });

  it('runs package-namespaced generic tests from the root YAML, and requires the namespace as dbt does', async () => {
    withPackage({
      'models/evens.sql': 'select 2 as n union all select 4',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: evens\n    columns:\n      - name: n\n        tests: [pkg_a.is_even]\n',
    });
    opened = p!.open();
    const test = [...opened.manifest.nodes.values()].find((n) => n.name.startsWith('pkg_a_is_even'))!;
    expect([test.name, test.packageName, (test as { testMetadata?: { namespace?: string } }).testMetadata?.namespace]).toEqual(['pkg_a_is_even_evens_n', 'proj', 'pkg_a']);
    const result = await opened.build({ select: ['evens+'] });
    expect(statuses(result)).toEqual({ evens: 'success', pkg_a_is_even_evens_n: 'pass' });
    await opened.close();
    opened = undefined;
    p!.write({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: evens\n    columns:\n      - name: n\n        tests: [is_even]\n' });
    // dbt: the project loads; the test fails when it runs (its macro is missing)
    opened = p!.open();
    const failed = (await opened.build({ select: ['evens+'] })).results.find((r) => r.status === 'error')!;
    expect([failed.node.name, failed.message]).toEqual(['is_even_evens_n', "Unknown generic test 'is_even'"]);
    await opened.close();
    opened = undefined;
  });

  it("builds a package's seeds and models in the warehouse", async () => {
    withPackage({});
    opened = p!.open();
    const result = await opened.build({ select: ['package:pkg_a'] });
    expect(result.success).toBe(true);
    expect(await queryRows(opened, `select count() as n from \`${p!.schema}\`.pkg_stg`)).toEqual([{ n: '2' }]);
  });

  it("dispatches along the root project's dispatch: search_order, and a root override wins by default", async () => {
    withPackage({ 'models/g.sql': 'select {{ pkg_a.greet() }} as g, {{ pkg_a.uses_private() }} as p' });
    opened = p!.open();
    expect((await opened.compile({ select: ['g'], write: false }))[0]!.sql).toBe("select 'pkg' as g, private as p");
    await opened.close();
    p!.write({ 'macros/greet.sql': "{% macro default__greet() %}'root'{% endmacro %}" });
    opened = p!.open();
    expect((await opened.compile({ select: ['g'], write: false }))[0]!.sql).toContain("select 'root' as g");
    await opened.close();
    p!.write({ 'project.yml': 'name: proj\nprofile: proj\ndispatch:\n  - macro_namespace: pkg_a\n    search_order: [pkg_a, proj]\n' });
    opened = p!.open();
    expect((await opened.compile({ select: ['g'], write: false }))[0]!.sql).toContain("select 'pkg' as g");
  });

  it('locates an error raised in a package macro at its file and line, with the model that called it', () => {
    withPackage({ 'models/calls_boom.sql': 'select 1\n{{ pkg_a.boom() }}' });
    const e = loadError(() => p!.open());
    expect([e.message, e.file, e.line]).toEqual(['boom in package', 'dbt_packages/pkg_a/macros/boom.sql', 3]);
    expect(e.callChain).toEqual(['in macro pkg_a.boom (dbt_packages/pkg_a/macros/boom.sql:3)', "called by model 'calls_boom' (models/calls_boom.sql:2)"]);
  });
});

describe('what load checks about packages', () => {
  it('asks for tsdbt deps when packages.yml lists more packages than are installed', () => {
    withPackage({ 'packages.yml': 'packages:\n  - local: ../pkg_a_source\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n' });
    const e = loadError(() => p!.open());
    expect([e.code, e.file, e.line]).toEqual(['packages_not_installed', 'packages.yml', 3]);
    expect(e.message).toBe('tsdbt found 2 package(s) specified in packages.yml, but only 1 package(s) installed in dbt_packages. Run "tsdbt deps" to install package dependencies.');
  });

  it("checks require-dbt-version against the dbt version tsdbt is compatible with (1.11), unless told not to", () => {
    withPackage({}, { 'dbt_project.yml': "name: pkg_a\nrequire-dbt-version: '>=1.12.0'\nvars: {greeting: hi, shared: x}\n" });
    const e = loadError(() => p!.open());
    expect([e.code, e.file, e.line]).toEqual(['dbt_version', 'dbt_packages/pkg_a/dbt_project.yml', 2]);
    expect(e.message).toBe("This version of tsdbt (compatible with dbt 1.11.14) is not supported with the 'pkg_a' package. Required version of dbt for 'pkg_a': ['>=1.12.0']");
    opened = p!.open({ versionCheck: false });
    expect(opened.manifest.nodes.has('model.pkg_a.pkg_model')).toBe(true);
  });

  it("admits projects and packages asking for dbt 1.11 (require-dbt-version: '>=1.11.0'); dbt_version is 1.11's", async () => {
    withPackage(
      { 'models/v.sql': "select '{{ dbt_version }}' as v" },
      { 'dbt_project.yml': "name: pkg_a\nrequire-dbt-version: ['>=1.11.0', '<2.0.0']\nvars: {greeting: hi, shared: x}\n" },
      "name: proj\nprofile: proj\nrequire-dbt-version: '>=1.11.0'\n",
    );
    opened = p!.open();
    const [compiled] = await opened.compile({ select: ['v'], write: false });
    expect(compiled!.sql).toBe("select '1.11.14' as v");
  });

  it('a root project pinned below 1.11 runs as dbt 1.10: its packages are checked against 1.10.23, templates and query comments read it', async () => {
    const pinned = "name: proj\nprofile: proj\nrequire-dbt-version: ['>=1.5.0', '<1.11.0']\n";
    withPackage({ 'models/v.sql': "select '{{ dbt_version }}' as v" }, {}, pinned);
    opened = p!.open();
    expect(opened.manifest.nodes.has('model.pkg_a.pkg_model')).toBe(true);
    const [compiled] = await opened.compile({ select: ['v'], write: false });
    expect(compiled!.sql).toBe("select '1.10.23' as v");
    const loaded = opened.loaded;
    const comment = queryCommenter(() => loaded.renderer, loaded.projectFile, { profileName: 'proj', targetName: 'dev', macroOverrides: () => false });
    const rendered = queryCommenter(() => loaded.renderer, loaded.projectFile);
    expect(JSON.parse(comment.forNode(undefined)!.text).dbt_version).toBe('1.10.23');
    expect(comment.forNode(undefined)).toEqual(rendered.forNode(undefined));
    await opened.close();
    opened = undefined;
    p!.cleanup();
    withPackage({}, { 'dbt_project.yml': "name: pkg_a\nrequire-dbt-version: '>=1.11.0'\nvars: {greeting: hi, shared: x}\n" }, pinned);
    const e = loadError(() => p!.open());
    expect([e.code, e.file]).toEqual(['dbt_version', 'dbt_packages/pkg_a/dbt_project.yml']);
    expect(e.message).toBe("This version of tsdbt (compatible with dbt 1.10.23) is not supported with the 'pkg_a' package. Required version of dbt for 'pkg_a': ['>=1.11.0']");
  });

  it('rejects two packages with one name', () => {
    withPackage({ 'dbt_packages/other/dbt_project.yml': 'name: pkg_a\n', 'packages.yml': '' });
    expect(loadError(() => p!.open()).message).toContain('more than one package with the name "pkg_a"');
  });
});
