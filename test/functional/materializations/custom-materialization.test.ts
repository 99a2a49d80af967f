import { describe, expect, it } from 'vitest';
import { TsdbtProject } from '@tsdbt/core';
import { dbtProject, statusByName } from '../adapter-suite/dbt-project.js';

/*
 * dbt's custom materializations (dbt-core tests/functional/materializations/test_custom_materialization.py,
 * core/dbt/task/run.py ModelRunner.execute): a `{% materialization name, default %}` block of the project
 * or an installed package builds the models that ask for `materialized='name'`, in the node's run
 * context, returning `{'relations': [...]}`; the node's result is its 'main' statement's.
 */

/** A table-like materialization, as users write them: hooks, drop the old relation, statement('main'). */
const tableLike = (name: string, adapter = 'default', body = 'sql') => `
{% materialization ${name}, ${adapter === 'default' ? 'default' : `adapter='${adapter}'`} %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing = load_relation(this) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {% if existing is not none %}{% do adapter.drop_relation(existing) %}{% endif %}
  {% call statement('main') -%}
    {{ create_table_as(False, target_relation, ${body}) }}
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ dbt.run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;

const HOOK_LOG = `on-run-start:
  - "create database if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.hook_log (what String, at DateTime64(6) default now64(6)) engine = MergeTree order by at"
`;

describe('custom materializations', () => {
  it('builds a model with a project materialization (statement main + create_table_as); pre/post hooks (and an after_commit one) run once each; a ref() child reads it', async () => {
    const p = dbtProject({
      projectConfig: HOOK_LOG,
      macros: { 'my_table.sql': tableLike('my_table') },
      models: {
        'm.sql': `{{ config(materialized='my_table', order_by='id', pre_hook="insert into {{ target.schema }}.hook_log (what) values ('pre')", post_hook=["{% if execute %}{% set n = run_query('select count() from ' ~ this).rows[0][0] %}{% endif %}insert into {{ target.schema }}.hook_log (what) values ('post:{{ n }}')", after_commit("insert into {{ target.schema }}.hook_log (what) values ('after commit')")]) }}
select number + 1 as id, 'row ' || toString(number) as label from numbers(3)`,
        'child.sql': "{{ config(materialized='table') }}\nselect id * 10 as id10 from {{ ref('m') }}",
      },
    });
    const r = await p.dbt(['run']);
    expect(statusByName(r.results.filter((x) => x.unique_id.startsWith('model.')))).toEqual({ m: 'success', child: 'success' });
    const m = r.results.find((x) => x.unique_id === 'model.test.m')!;
    expect(m.message).toBe('OK');
    expect(await p.query('SELECT id, label FROM {schema}.m ORDER BY id')).toEqual([
      { id: '1', label: 'row 0' },
      { id: '2', label: 'row 1' },
      { id: '3', label: 'row 2' },
    ]);
    expect(await p.query('SELECT engine, sorting_key FROM system.tables WHERE database = {schema:String} AND name = \'m\''.replace('{schema:String}', `'${p.schema}'`))).toEqual([
      { engine: 'MergeTree', sorting_key: 'id' },
    ]);
    // The pre-hook ran before the table was built, the post-hook after: rendered then (its run_query counted 3 rows), once each.
    expect((await p.query<{ what: string }>('SELECT what FROM {schema}.hook_log ORDER BY at')).map((x) => x.what)).toEqual(['pre', 'post:3', 'after commit']);
    expect(await p.query('SELECT id10 FROM {schema}.child ORDER BY id10')).toEqual([{ id10: '10' }, { id10: '20' }, { id10: '30' }]);
    // A second run replaces the relation (the macro drops the existing one), hooks once more each.
    await p.dbt(['run', '--select', 'm']);
    expect(await p.query('SELECT count() AS n FROM {schema}.m')).toEqual([{ n: '3' }]);
    expect((await p.query<{ what: string }>('SELECT what FROM {schema}.hook_log ORDER BY at')).map((x) => x.what)).toEqual(['pre', 'post:3', 'after commit', 'pre', 'post:3', 'after commit']);
    // target/compiled holds the model's SQL.
    expect(r.out.join('\n')).not.toContain('Traceback');
  });

  it("create_table_as / get_create_view_as_sql end with the model's query_settings, as dbt-clickhouse's (adapter.get_model_query_settings)", async () => {
    const viewLike = `
{% materialization my_view, default %}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing = load_relation(this) -%}
  {% if existing is not none %}{% do adapter.drop_relation(existing) %}{% endif %}
  {% call statement('main') -%}{{ get_create_view_as_sql(target_relation, sql) }}{%- endcall %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}`;
    // dbt_semantics off: only the model's own query_settings decide that a non-match is NULL.
    const body = (m: string) => `{{ config(materialized='${m}', dbt_semantics=false, query_settings={'join_use_nulls': 1}) }}
select a.id as id, b.v as v from (select 1 as id union all select 2) as a left join (select 1 as id, 10 as v) as b on a.id = b.id`;
    // Under dbt_semantics (default on) a model that joins has join_use_nulls = 1 among its query_settings.
    const semantics = body('my_table').replace(", dbt_semantics=false, query_settings={'join_use_nulls': 1}", '');
    const p = dbtProject({ macros: { 'my_table.sql': tableLike('my_table'), 'my_view.sql': viewLike }, models: { 't.sql': body('my_table'), 'v.sql': body('my_view'), 's.sql': semantics } });
    const r = await p.dbt(['run']);
    expect(statusByName(r.results)).toEqual({ t: 'success', v: 'success', s: 'success' });
    for (const rel of ['t', 'v', 's']) expect(await p.query(`SELECT id, v FROM {schema}.${rel} ORDER BY id`)).toEqual([{ id: 1, v: 10 }, { id: 2, v: null }]);
  });

  // dbt's hooks.sql: before_begin / in_transaction / after_commit give a hook as JSON {sql, transaction}
  // (get_hook_dict reads it back): tsdbt's own materializations run its SQL, on warm loads too.
  it('runs before_begin / after_commit hooks of a built-in materialization', async () => {
    const p = dbtProject({
      projectConfig: HOOK_LOG,
      models: { 't.sql': `{{ config(materialized='table', pre_hook=before_begin("insert into {{ target.schema }}.hook_log (what) values ('begin')"), post_hook=[after_commit("insert into {{ target.schema }}.hook_log (what) select 'commit:' || toString(count()) from {{ this }}")]) }}\nselect 1 as x` },
    });
    await p.dbt(['run']);
    await p.dbt(['run']);
    expect((await p.query<{ what: string }>('SELECT what FROM {schema}.hook_log ORDER BY at')).map((x) => x.what)).toEqual(['begin', 'commit:1', 'begin', 'commit:1']);
  });

  it("uses an installed package's materialization", async () => {
    const p = dbtProject({
      files: {
        'packages.yml': 'packages:\n  - local: pkg\n',
        'pkg/dbt_project.yml': 'name: pkg\nconfig-version: 2\nversion: "1.0"\n',
        'pkg/macros/pkg_table.sql': tableLike('pkg_table', 'default', "'select * from (' ~ sql ~ ') where id > 1'"),
      },
      models: { 'from_pkg.sql': "{{ config(materialized='pkg_table') }}\nselect number as id from numbers(4)" },
    });
    await p.dbt(['deps']);
    const r = await p.dbt(['build']);
    expect(statusByName(r.results)).toEqual({ from_pkg: 'success' });
    expect(await p.query('SELECT id FROM {schema}.from_pkg ORDER BY id')).toEqual([{ id: '2' }, { id: '3' }]);
  });

  it("a materialization returning nothing is dbt's error for that node only; its dependents are skipped", async () => {
    const p = dbtProject({
      macros: {
        'no_return.sql': "{% materialization no_return, default %}\n  {% call statement('main') -%}\n    {{ create_table_as(False, this, sql) }}\n  {%- endcall %}\n{% endmaterialization %}\n",
        'no_main.sql': "{% materialization no_main, default %}\n  {{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
        'delegates.sql': "{% materialization delegates, default %}\n  {{ return(materialization_table_default()) }}\n{% endmaterialization %}\n",
        'bad_sql.sql': "{% materialization bad_sql, default %}\n  {% call statement('main') -%}\n    select * from a_table_that_is_not_there\n  {%- endcall %}\n  {{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
      },
      models: {
        'nothing.sql': "{{ config(materialized='no_return') }}\nselect 1 as id",
        'after_nothing.sql': "select * from {{ ref('nothing') }}",
        'nomain.sql': "{{ config(materialized='no_main') }}\nselect 1 as id",
        'broken.sql': "{{ config(materialized='bad_sql') }}\nselect 1 as id",
        'delegating.sql': "{{ config(materialized='delegates') }}\nselect 1 as id",
        'fine.sql': "{{ config(materialized='table') }}\nselect 7 as id",
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ nothing: 'error', after_nothing: 'skipped', nomain: 'error', broken: 'error', delegating: 'success', fine: 'success' });
    const message = (name: string) => r.results.find((x) => x.unique_id === `model.test.${name}`)!.message;
    expect(message('nothing')).toContain('Compilation Error in model nothing (models/nothing.sql)');
    expect(message('nothing')).toContain('The materialization ("no_return") did not explicitly return a list of relations to add to the cache.');
    expect(message('nomain')).toContain('main is not being called during running model');
    expect(message('broken')).toMatch(/a_table_that_is_not_there/);
    // dbt's materialization_table_default() builds it with tsdbt's table materialization (custom-materialization-builtins.test.ts).
    expect(await p.query('SELECT id FROM {schema}.delegating')).toEqual([{ id: 1 }]);
    // The statement before the missing return ran (dbt runs the user's statements as written).
    expect(await p.query('SELECT id FROM {schema}.nothing')).toEqual([{ id: 1 }]);
    expect(await p.query('SELECT id FROM {schema}.fine')).toEqual([{ id: 7 }]);
  });

  it('runs a failing custom materialization once, its statements as written: the error is that node\'s, others keep running', async () => {
    const p = dbtProject({
      projectConfig: HOOK_LOG,
      macros: {
        'once.sql': "{% materialization once, default %}\n  {% call statement('log') %}insert into {{ target.schema }}.hook_log (what) values ('attempt'){% endcall %}\n  {% call statement('main') -%}\n    {{ create_table_as(False, this, sql) }}\n  {%- endcall %}\n  {{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
      },
      models: { 'failing.sql': "{{ config(materialized='once') }}\nselect throwIf(number = 2, 'boom') as x from numbers(3)", 'plain.sql': "{{ config(materialized='table') }}\nselect 1 as x" },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    const models = r.results.filter((x) => x.unique_id.startsWith('model.'));
    expect(statusByName(models)).toEqual({ failing: 'error', plain: 'success' });
    expect(models.find((x) => x.unique_id === 'model.test.failing')!.message).toContain('boom');
    // The statement before the failing one ran once (no second attempt) and stays (not atomic, as in dbt).
    expect(await p.query("SELECT count() AS n FROM {schema}.hook_log WHERE what = 'attempt'")).toEqual([{ n: '1' }]);
    expect(await p.relationTypes(['failing'])).toEqual({ failing: undefined });
  });

  it('prefers the clickhouse-specific materialization over the default one, and a package\'s clickhouse one over the project\'s default', async () => {
    const p = dbtProject({
      files: {
        'packages.yml': 'packages:\n  - local: pkg\n',
        'pkg/dbt_project.yml': 'name: pkg\nconfig-version: 2\nversion: "1.0"\n',
        'pkg/macros/pick2.sql': tableLike('pick2', 'clickhouse', "\"select 'package clickhouse' as which\""),
      },
      macros: {
        'pick.sql': tableLike('pick', 'default', "\"select 'default' as which\"") + tableLike('pick', 'clickhouse', "\"select 'clickhouse' as which\""),
        'pick2.sql': tableLike('pick2', 'default', "\"select 'project default' as which\""),
      },
      models: { 'chosen.sql': "{{ config(materialized='pick') }}\nselect 1 as x", 'chosen2.sql': "{{ config(materialized='pick2') }}\nselect 1 as x" },
    });
    await p.dbt(['deps']);
    await p.dbt(['run']);
    expect(await p.query('SELECT which FROM {schema}.chosen')).toEqual([{ which: 'clickhouse' }]);
    // dbt's MaterializationCandidate: specificity (adapter over default) before locality (root over package).
    expect(await p.query('SELECT which FROM {schema}.chosen2')).toEqual([{ which: 'package clickhouse' }]);
  });

  it('an unknown materialized value is still a load error naming the custom ones', async () => {
    const p = dbtProject({ macros: { 'my_table.sql': tableLike('my_table') }, models: { 'm.sql': "{{ config(materialized='my_tabel') }}\nselect 1 as id" } });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Model 'm' asks for materialized='my_tabel', which tsdbt does not know");
    const error = await (async () => {
      try {
        const project = TsdbtProject.open({ projectDir: p.dir });
        project.select();
        await project.close();
      } catch (e) {
        return e as { file?: string; hint?: string };
      }
    })();
    expect(error?.file).toBe('models/m.sql');
    expect(error?.hint).toContain("Did you mean 'my_table'? Use one of: view, table,");
    expect(error?.hint).toContain('materialized_view, my_table, or define it');
  });

  it("an unknown materialized value set in dbt_project.yml names that file's line, not the model's", () => {
    const p = dbtProject({ models: { 'm.sql': 'select 1 as id' }, projectConfig: 'models:\n  test:\n    +materialized: tabel\n' });
    const error = (() => {
      try {
        TsdbtProject.open({ projectDir: p.dir });
      } catch (e) {
        return e as { file?: string; line?: number; message?: string };
      }
    })();
    expect(error?.message).toContain("Model 'm' asks for materialized='tabel'");
    // Before: models/m.sql line 1, a file that says nothing of it.
    expect([error?.file, error?.line]).toEqual(['dbt_project.yml', 6]);
  });

  // dbt-clickhouse's built-ins are `adapter='clickhouse'` and dbt ranks specificity before locality
  // (manifest.py MaterializationCandidate): a root `default` block does not replace them, a root
  // `adapter='clickhouse'` one does; a package's never does (dbt-core test_custom_materialization.py
  // TestOverrideDefaultDependency*, require_explicit_package_overrides_for_builtin_materializations).
  it("a root project's adapter='clickhouse' override of a built-in name is used and logged; a default one or a package's is not", async () => {
    const p = dbtProject({
      files: {
        'packages.yml': 'packages:\n  - local: pkg\n',
        'pkg/dbt_project.yml': 'name: pkg\nconfig-version: 2\nversion: "1.0"\n',
        'pkg/macros/incremental.sql': tableLike('incremental', 'clickhouse', "\"select 'package incremental' as which\""),
      },
      macros: {
        'view.sql': tableLike('view', 'clickhouse', "\"select 'project view' as which\""),
        'table.sql': tableLike('table', 'default', "\"select 'project default table' as which\""),
      },
      models: {
        'v.sql': "{{ config(materialized='view') }}\nselect 'tsdbt view' as which",
        't.sql': "{{ config(materialized='table') }}\nselect 'tsdbt table' as which",
        'i.sql': "{{ config(materialized='incremental') }}\nselect 'tsdbt incremental' as which",
      },
    });
    await p.dbt(['deps']);
    const r = await p.dbt(['run']);
    const text = r.out.join('\n');
    expect(text).toContain("v: using the project's materialization 'view' (macros/view.sql) instead of tsdbt's");
    expect(text).not.toContain("materialization 'table'");
    expect(await p.relationTypes(['v', 't', 'i'])).toEqual({ v: 'table', t: 'table', i: 'table' });
    expect(await p.query('SELECT which FROM {schema}.v')).toEqual([{ which: 'project view' }]);
    expect(await p.query('SELECT which FROM {schema}.t')).toEqual([{ which: 'tsdbt table' }]);
    expect(await p.query('SELECT which FROM {schema}.i')).toEqual([{ which: 'tsdbt incremental' }]);
  });
});
