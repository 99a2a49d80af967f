import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectError, type TestNode, type TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { renderGenericTest } from '../../../packages/core/src/load/build-tests.js';

let p: InlineProject | undefined;
afterEach(() => p?.cleanup());

const modelNode = (project: TsdbtProject, name: string) => project.node(`model.proj.${name}`);

describe('config precedence', () => {
  it('applies in-file config over YAML over project folders, accumulating tags', () => {
    p = inlineProject(
      {
        'models/mart/a.sql': "{{ config(materialized='incremental', tags=['file']) }}\nselect 1 as id",
        'models/mart/b.sql': 'select 1 as id',
        'models/mart/c.sql': 'select 1 as id',
        'models/mart/schema.yml': 'version: 2\nmodels:\n  - name: a\n    config: {materialized: view, tags: [yaml]}\n  - name: b\n    config: {materialized: view}\n',
      },
      { projectYml: 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +tags: [project]\n    mart:\n      +materialized: table\n      +schema: mart\n' },
    );
    const project = p.open();
    expect(modelNode(project, 'a').config.materialized).toBe('incremental');
    expect(modelNode(project, 'a').config.tags).toEqual(['project', 'yaml', 'file']);
    expect(modelNode(project, 'b').config.materialized).toBe('view');
    expect(modelNode(project, 'c').config.materialized).toBe('table');
  });

  it("names a model's database <target schema>_<custom schema>, as dbt does", () => {
    p = inlineProject(
      { 'models/mart/a.sql': 'select 1', 'models/b.sql': "{{ config(alias='bee') }} select 1" },
      { projectYml: 'name: proj\nprofile: proj\nmodels:\n  proj:\n    mart:\n      +schema: mart\n' },
    );
    const project = p.open();
    expect(modelNode(project, 'a').relation).toEqual({ schema: `${p.schema}_mart`, identifier: 'a' });
    expect(modelNode(project, 'b').relation).toEqual({ schema: p.schema, identifier: 'bee' });
  });

  it('lets a project generate_schema_name macro override relation naming', () => {
    p = inlineProject(
      {
        'models/mart/a.sql': 'select 1',
        'macros/naming.sql':
          '{% macro generate_schema_name(custom_schema_name, node) -%}{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}{%- endmacro %}',
      },
      { projectYml: 'name: proj\nprofile: proj\nmodels:\n  proj:\n    mart:\n      +schema: mart\n' },
    );
    expect(modelNode(p.open(), 'a').relation.schema).toBe('mart');
  });

  it('reads var() from project vars overridden by --vars', async () => {
    p = inlineProject(
      { 'models/a.sql': "select {{ var('x') }} as x, {{ var('y', 7) }} as y" },
      { projectYml: 'name: proj\nprofile: proj\nvars:\n  x: 1\n' },
    );
    const compiled = await p.open({ vars: { x: 42 } }).compile({ write: false });
    expect(compiled[0]!.sql).toContain('select 42 as x, 7 as y');
  });
});

describe('dbt context details', () => {
  it('config.get, var and env_var take their default as a keyword too', async () => {
    p = inlineProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect '{{ config.get('materialized') }}' as m, '{{ config.get('zz', default='d') }}' as z, {{ 'yes' if config.get('zz', default=false) else 'no' }} as b, '{{ var('nope', default='v') }}' as v, '{{ env_var('TSDBT_NOPE_X', default='e') }}' as e",
    });
    const [c] = await p.open({ env: {} }).compile({ write: false });
    expect(c!.sql).toContain("select 'table' as m, 'd' as z, no as b, 'v' as v, 'e' as e");
  });

  it('run_started_at prints and formats as a Python datetime (UTC); schema is the model’s own', async () => {
    p = inlineProject({
      'models/a.sql': "{{ config(schema='mart') }}select '{{ run_started_at }}' as a, '{{ run_started_at.strftime('%Y%m%d') }}' as b, '{{ schema }}' as s",
    });
    const [c] = await p.open().compile({ write: false });
    const m = /select '(\d{4})-(\d\d)-(\d\d) \d\d:\d\d:\d\d\.\d{6}\+00:00' as a, '(\d{8})' as b, '([^']+)' as s/.exec(c!.sql);
    expect(m, c!.sql).not.toBeNull();
    expect(m![4]).toBe(`${m![1]}${m![2]}${m![3]}`);
    expect(m![5]).toBe(`${p.schema}_mart`);
  });

  it('project-scoped vars win over global ones wherever they are written; --vars over both', async () => {
    p = inlineProject({ 'models/a.sql': "select '{{ var('start') }}' as s, '{{ var('end') }}' as e" }, { projectYml: "name: proj\nprofile: proj\nvars:\n  proj:\n    start: '2020'\n  start: '2019'\n  end: '2030'\n" });
    expect((await p.open().compile({ write: false }))[0]!.sql).toBe("select '2020' as s, '2030' as e");
    expect((await p.open({ vars: { end: '2040' } }).compile({ write: false }))[0]!.sql).toBe("select '2020' as s, '2040' as e");
  });

  it("tojson() prints as dbt's json.dumps; the tojson filter as Jinja's (sorted, htmlsafe)", async () => {
    p = inlineProject({ 'models/a.sql': "select '{{ tojson({'b': 1, 'a': [1, 'é', none, true]}) }}' as d, '{{ {'b': '<', 'a': 2} | tojson }}' as j" });
    const [c] = await p.open().compile({ write: false });
    expect(c!.sql).toBe(`select '{"b": 1, "a": [1, "\\u00e9", null, true]}' as d, '{"a": 2, "b": "\\u003c"}' as j`);
  });

  it('a model that branches on `execute` is rendered again at run time', () => {
    p = inlineProject({ 'models/a.sql': '{% if execute %}select 1{% else %}select 0{% endif %} as x', 'models/b.sql': 'select 1 as x' });
    const project = p.open();
    expect((modelNode(project, 'a') as { renderAtRuntime?: boolean }).renderAtRuntime).toBe(true);
    expect((modelNode(project, 'b') as { renderAtRuntime?: boolean }).renderAtRuntime).toBe(false);
  });

  it('CRLF files render the same through the static parser as through nunjucks', async () => {
    p = inlineProject({
      'models/a.sql': "select 'x\r\ny' as s\r\nfrom {{ ref('b') }}\r\n",
      'models/b.sql': "select 'x\r\ny' as s\r\n{% if true %}{% endif %}",
    });
    const compiled = await p.open().compile({ write: false });
    for (const c of compiled) expect(c.sql, c.node.name).not.toContain('\r');
  });

  it("a source's schema defaults to its name, as dbt's; schema and identifier may use Jinja", () => {
    p = inlineProject({
      'sources.yml': `version: 2
sources:
  - name: raw
    tables: [{name: orders}]
  - name: landing
    schema: "{{ target.schema }}_{{ var('suffix', 'in') }}"
    tables: [{name: events, identifier: "{{ env_var('TSDBT_EVENTS_TABLE', 'events_v2') }}"}]
`,
      'models/a.sql': "select * from {{ source('raw', 'orders') }}, {{ source('landing', 'events') }}",
    });
    const project = p.open({ env: {} });
    expect(project.node('source.proj.raw.orders').relation).toEqual({ schema: 'raw', identifier: 'orders' });
    expect(project.node('source.proj.landing.events').relation).toEqual({ schema: `${p.schema}_in`, identifier: 'events_v2' });
  });

  it('config() inside a {% test %} block sets defaults that the YAML config overrides', () => {
    p = inlineProject({
      'macros/soft.sql': "{% test soft(model, column_name) %}{{ config(severity='warn', where='x > 0') }}select * from {{ model }} where {{ column_name }} < 0{% endtest %}",
      'models/a.sql': 'select 1 as x',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        tests: [soft, {soft: {name: hard, severity: error}}]\n',
    });
    const project = p.open();
    const test = (name: string) => [...project.manifest.nodes.values()].find((n) => n.name === name) as TestNode;
    expect(test('soft_a_x').config.severity).toBe('warn');
    expect(test('hard').config.severity).toBe('error');
    expect(test('soft_a_x').renderedCode).toMatch(/where x > 0\) dbt_subquery/);
  });

  it("a project's generate_schema_name may call dbt's default__generate_schema_name and generate_schema_name_for_env", () => {
    p = inlineProject({
      'macros/gsn.sql': "{% macro generate_schema_name(custom_schema_name, node) -%}{%- if node.name == 'b' -%}{{ generate_schema_name_for_env(custom_schema_name, node) }}{%- else -%}{{ default__generate_schema_name(custom_schema_name, node) }}{%- endif -%}{%- endmacro %}",
      'macros/gan.sql': '{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ default__generate_alias_name(custom_alias_name, node) }}{%- endmacro %}',
      'models/a.sql': "{{ config(schema='mart', alias='a_alias') }}select 1 as x",
      'models/b.sql': "{{ config(schema='mart') }}select 1 as x",
    });
    const project = p.open();
    expect(modelNode(project, 'a').relation).toEqual({ schema: `${p.schema}_mart`, identifier: 'a_alias' });
    expect(modelNode(project, 'b').relation).toEqual({ schema: p.schema, identifier: 'b' }); // target 'dev', not 'prod'
  });

  it('config values in project.yml and schema YAML may use Jinja (natively typed, as dbt renders them); hooks stay raw', () => {
    p = inlineProject(
      {
        'models/mart/a.sql': 'select 1 as x',
        'models/mart/prod_only.sql': 'select 1 as x',
        'models/mart/schema.yml': `version: 2\nmodels:\n  - name: a\n    config:\n      materialized: "{{ 'table' if target.name == 'dev' else 'view' }}"\n    columns:\n      - name: x\n        tests: [{not_null: {where: "x > {{ var('min_x', 0) }}"}}]\n`,
      },
      {
        projectYml: `name: proj\nprofile: proj\nmodels:\n  proj:\n    mart:\n      +schema: "{{ env_var('TSDBT_MART', default='mart') }}"\n      +post-hook: "select '{{ this }}'"\n      prod_only:\n        +enabled: "{{ target.name == 'prod' }}"\n`,
      },
    );
    const project = p.open({ env: {} });
    expect(modelNode(project, 'a').relation.schema).toBe(`${p.schema}_mart`);
    expect(modelNode(project, 'a').config.materialized).toBe('table');
    expect(modelNode(project, 'a').config.post_hook).toBe("select '{{ this }}'");
    expect(project.graph.has('model.proj.prod_only')).toBe(false);
    expect(project.node(project.select({ select: ['test_name:not_null'] })[0]!).config.where).toBe('x > 0');
  });

  it('tags of sources, source tables and columns select them (a column’s tags go to its tests)', () => {
    p = inlineProject({
      'sources.yml': 'version: 2\nsources:\n  - name: raw\n    tags: [rawtag]\n    tables:\n      - name: orders\n        tags: [tbltag]\n      - name: other\n',
      'models/a.sql': "select * from {{ source('raw', 'orders') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: email\n        tags: [pii]\n        tests: [not_null, {unique: {tags: [own]}}]\n      - name: id\n        tests: [not_null]\n',
    });
    const project = p.open();
    const names = (select: string) => project.select({ select: [select] }).map((id) => project.node(id).name).sort();
    expect(names('tag:rawtag')).toEqual(['orders', 'other']);
    expect(names('tag:tbltag')).toEqual(['orders']);
    expect(names('tag:pii')).toEqual(['not_null_a_email', 'unique_a_email']);
    expect(names('tag:own')).toEqual(['unique_a_email']);
  });

  it('in project.yml an unprefixed key with a mapping value is a folder, even one named like a config (docs, meta)', () => {
    p = inlineProject(
      { 'models/docs/guide.sql': 'select 1 as x', 'models/other.sql': 'select 1 as x' },
      { projectYml: 'name: proj\nprofile: proj\nmodels:\n  proj:\n    materialized: view\n    +meta: {owner: ann}\n    docs:\n      +materialized: table\n' },
    );
    const project = p.open();
    expect(modelNode(project, 'guide').config.materialized).toBe('table');
    expect(modelNode(project, 'other').config.materialized).toBe('view');
    expect(modelNode(project, 'other').config.meta).toEqual({ owner: 'ann' });
  });

  it('a missing var in a YAML config value names the file and the value', () => {
    p = inlineProject({ 'models/a.sql': 'select 1 as x' }, { projectYml: `name: proj\nprofile: proj\nmodels:\n  proj:\n    +schema: "{{ var('nope') }}"\n` });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('missing_var');
    expect(e.file).toBe('project.yml');
    expect(e.message).toContain(`(in project.yml: "{{ var('nope') }}")`);
  });

  it('project.yml can configure one model by its name, under its folder', () => {
    p = inlineProject(
      { 'models/mart/orders.sql': 'select 1 as id', 'models/mart/other.sql': 'select 1 as id' },
      { projectYml: 'name: proj\nprofile: proj\nmodels:\n  proj:\n    mart:\n      +materialized: view\n      orders:\n        +materialized: table\n        +tags: [one]\n' },
    );
    const project = p.open();
    expect(modelNode(project, 'orders').config.materialized).toBe('table');
    expect(modelNode(project, 'orders').config.tags).toEqual(['one']);
    expect(modelNode(project, 'other').config.materialized).toBe('view');
  });
});

describe('compile', () => {
  it('writes compiled SQL with real relation names and a manifest with parent and child maps', async () => {
    p = inlineProject({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    const project = p.open();
    await project.compile();
    const compiled = readFileSync(join(p.dir, 'target/compiled/proj/models/b.sql'), 'utf8');
    expect(compiled.trim()).toBe(`select * from \`${p.schema}\`.\`a\``);
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.metadata.dbt_schema_version).toContain('manifest/v12');
    expect(manifest.parent_map['model.proj.b']).toEqual(['model.proj.a']);
    expect(manifest.child_map['model.proj.a']).toEqual(['model.proj.b']);
  });

  it('rewrites only the compiled files whose SQL changed', async () => {
    p = inlineProject({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    await p.open().compile();
    const file = (name: string) => join(p!.dir, `target/compiled/proj/models/${name}.sql`);
    const old = new Date('2020-01-01T00:00:00Z');
    for (const name of ['a', 'b']) utimesSync(file(name), old, old);
    writeFileSync(join(p.dir, 'models/a.sql'), 'select 2 as id');
    await p.open().compile();
    expect(readFileSync(file('a'), 'utf8').trim()).toBe('select 2 as id');
    expect(statSync(file('a')).mtime.getTime()).toBeGreaterThan(old.getTime());
    expect(statSync(file('b')).mtime.getTime()).toBe(old.getTime());
  });

  it('inlines an ephemeral model as a CTE into its dependents', async () => {
    p = inlineProject({
      'models/e.sql': "{{ config(materialized='ephemeral') }} select 1 as id",
      'models/b.sql': "with x as (select 2 as id) select * from {{ ref('e') }} union all select * from x",
    });
    const sql = (await p.open().compile({ write: false })).find((c) => c.node.name === 'b')!.sql;
    expect(sql).toMatch(/^with `__dbt__cte__e` as \(\n\s*select 1 as id\n\),\nx as \(select 2 as id\)/);
    expect(sql).toContain('from `__dbt__cte__e`');
  });

  it('keeps the password out of the manifest and of target', async () => {
    p = inlineProject({ 'models/a.sql': 'select 1', 'models/t.sql': "select '{{ target.password }}' as p" });
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      host: localhost\n      password: "{{ env_var('TSDBT_TEST_PW', 's3cret-pw') }}"\n      schema: x\n` });
    const project = p.open();
    expect(project.target.password).toBe('s3cret-pw');
    await project.compile();
    expect(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8')).not.toContain('s3cret-pw');
    expect(readFileSync(join(p.dir, 'target/compiled/proj/models/t.sql'), 'utf8')).not.toContain('s3cret-pw');
  });
});

/** Runs `fn`, expects a ProjectError, and returns it. */
function projectError(fn: () => unknown): ProjectError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectError);
    return e as ProjectError;
  }
  throw new Error('expected a ProjectError');
}

describe('errors name the file and line', () => {
  it('reports a Jinja syntax error with its line', () => {
    p = inlineProject({ 'models/a.sql': 'select 1\n\n{% if %}\n' });
    const e = projectError(() => p!.open());
    expect(e.file).toBe('models/a.sql');
    expect(e.line).toBe(3);
  });

  it('suggests the closest model for an unknown ref', () => {
    p = inlineProject({ 'models/orders.sql': 'select 1', 'models/b.sql': "select 1\nfrom {{ ref('order') }}" });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('unknown_ref');
    expect(e.file).toBe('models/b.sql');
    expect(e.line).toBe(2);
    expect(e.hint).toContain("ref('orders')");
  });

  it('reports an unknown source with a did-you-mean', () => {
    p = inlineProject({
      'sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
      'models/b.sql': "select 1 from {{ source('raw', 'order') }}",
    });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('unknown_source');
    expect(e.hint).toContain("source('raw', 'orders')");
  });

  it('reports invalid YAML with line and column', () => {
    p = inlineProject({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n   description: [oops\n' });
    const e = projectError(() => p!.open());
    expect(e.file).toBe('models/schema.yml');
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects two models with the same name', () => {
    p = inlineProject({ 'models/x/a.sql': 'select 1', 'models/y/a.sql': 'select 2' });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('duplicate_node');
    expect(e.message).toContain('models/x/a.sql');
    expect(e.message).toContain('models/y/a.sql');
  });

  it('prints the whole cycle with file names', () => {
    p = inlineProject({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
    });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('cycle');
    expect(e.message).toMatch(/a \(models\/a\.sql\) -> b \(models\/b\.sql\) -> c \(models\/c\.sql\) -> a \(models\/a\.sql\)/);
  });

  it('reports a cycle between models that nodes off the cycle feed and read', () => {
    p = inlineProject({
      'models/root.sql': 'select 1',
      'models/d.sql': "select * from {{ ref('root') }} join {{ ref('e') }}",
      'models/e.sql': "select * from {{ ref('d') }}",
      'models/leaf.sql': "select * from {{ ref('e') }}",
    });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('cycle');
    expect(e.message).toMatch(/d \(models\/d\.sql\) -> e \(models\/e\.sql\) -> d|e \(models\/e\.sql\) -> d \(models\/d\.sql\) -> e/);
  });

  it('accepts an unknown config key (as dbt): kept, readable with config.get, one note per key with a did-you-mean', () => {
    p = inlineProject({
      'models/a.sql': "select 1\n{{ config(materialised='table', uniq_id='id') }}",
      'models/b.sql': "{{ config(uniq_id='x', custom_read='y') }} select '{{ config.get('custom_read') }}' as v",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    config:\n      owner_team: data\n',
      'project.yml': 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +retention_days: 30\n',
    });
    const project = p.open();
    const a = project.node('model.proj.a');
    expect(a.config.materialised).toBe('table');
    expect(a.config.materialized).toBe('view');
    expect(project.node('model.proj.b').config).toMatchObject({ uniq_id: 'x', owner_team: 'data', retention_days: 30, custom_read: 'y' });
    const notes = p.events.filter((e) => e.type === 'log' && e.level === 'info').map((e) => (e as { message: string }).message);
    expect(notes.filter((m) => m.includes("config 'uniq_id'"))).toEqual([
      "models/a.sql:2: config 'uniq_id' is not one tsdbt acts on; it is kept in the node's config (config.get('uniq_id'))",
    ]);
    expect(notes.find((m) => m.includes("'materialised'"))).toMatch(/^models\/a\.sql:2: .*Did you mean 'materialized'\?$/);
    expect(notes.find((m) => m.includes("'owner_team'"))).toMatch(/^models\/schema\.yml:5: /);
    expect(notes.find((m) => m.includes("'retention_days'"))).toMatch(/^project\.yml:5: /);
    // A key a template reads is used: no note.
    expect(notes.some((m) => m.includes("'custom_read'"))).toBe(false);
  });

  it('rejects an unknown materialization with its line and a did-you-mean', () => {
    p = inlineProject({ 'models/a.sql': "-- a\n{{ config(materialized='tabel') }}\nselect 1" });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('materialization');
    expect(e.file).toBe('models/a.sql');
    expect(e.line).toBe(2);
    expect(e.hint).toMatch(/^Did you mean 'table'\? Use one of: view, table, incremental, ephemeral/);
  });

  it('loads an unknown generic test (as dbt) and fails it when it renders, at the line of its entry; a package namespace gets its own hint', () => {
    p = inlineProject({
      'models/a.sql': 'select 1 as x',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        tests:\n          - not_null\n          - dbt_utils.accepted_range: {min_value: 0}\n',
    });
    const test = [...p.open().manifest.nodes.values()].find((n) => n.name.startsWith('dbt_utils_accepted_range'))! as TestNode;
    const e = projectError(() => renderGenericTest(undefined as never, test.genericCall!, undefined as never, test.originalFilePath));
    expect(e.file).toBe('models/schema.yml');
    expect(e.code).toBe('unknown_test');
    expect(e.message).toBe("Unknown generic test 'dbt_utils.accepted_range'");
    expect(e.line).toBe(8);
    expect(e.hint).toBe("'dbt_utils' is not an installed package: add it to packages.yml and run tsdbt deps.");
    // As in dbt, a namespace names the package the test comes from: the project's own name works.
    p.write({
      'macros/range.sql': '{% test accepted_range(model, column_name, min_value) %}select * from {{ model }} where {{ column_name }} < {{ min_value }}{% endtest %}',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        tests:\n          - proj.accepted_range: {min_value: 0}\n          - accepted_range: {min_value: 1}\n',
    });
    expect(p.open().select({ select: ['test_name:accepted_range'] })).toHaveLength(2);
  });

  it('errors while building a generic test name the test: its YAML entry for an argument, the line in the macro for the macro', () => {
    p = inlineProject({
      'models/a.sql': 'select 1 as x',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        tests:\n          - relationships: {to: ref(b), field: x}\n',
    });
    let e = projectError(() => p!.open());
    expect([e.code, e.file, e.line, e.column]).toEqual(['ref_args', 'models/schema.yml', 7, undefined]);
    expect(e.message).toContain("(in test 'relationships_a_x__x__ref_b_')");
    p.write({
      'macros/broken.sql': '\n{% test broken(model, column_name) %}\nselect * from {{ model }} where {{ exceptions.raise_compiler_error("broken " ~ column_name) }}\n{% endtest %}\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        tests: [broken]\n',
    });
    e = projectError(() => p!.open());
    expect([e.file, e.line]).toEqual(['macros/broken.sql', 3]);
    expect(e.message).toContain("rendering test 'broken_a_x' declared at models/schema.yml:6");
    expect(e.callChain?.[0]).toBe('in macro proj.test_broken (macros/broken.sql:3)');
  });

  it("loads a model reading a missing var (dbt's ParseVar gives None while parsing) and renders it again when it runs, where the var is required", () => {
    p = inlineProject({ 'models/a.sql': "select {{ var('nope') }}" });
    const project = p.open();
    const node = project.manifest.nodes.get('model.proj.a') as { renderAtRuntime?: boolean };
    expect(node.renderAtRuntime).toBe(true);
  });
});

describe('dbt projects as they are', () => {
  it('reads dbt_project.yml and schema files named anything', () => {
    p = inlineProject({ 'models/a.sql': 'select 1 as id', 'models/whatever.yml': 'version: 2\nmodels:\n  - name: a\n    description: The A model\n' }, { projectYml: '' });
    p.remove('project.yml');
    p.write({ 'dbt_project.yml': 'name: proj\nprofile: proj\n' });
    const project = p.open();
    expect(modelNode(project, 'a').description).toBe('The A model');
    expect(existsSync(join(p.dir, 'dbt_project.yml'))).toBe(true);
  });
});

describe('materializations', () => {
  it('rejects an unknown materialization at load time, naming the file and line', () => {
    p = inlineProject({ 'models/a.sql': "select 1\n{{ config(materialized='tabel') }}" });
    const e = projectError(() => p!.open());
    expect(e.code).toBe('materialization');
    expect([e.file, e.line]).toEqual(['models/a.sql', 2]);
    expect(e.hint).toContain('table');
  });
});
