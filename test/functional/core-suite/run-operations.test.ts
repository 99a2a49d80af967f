import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/run_operations/test_run_operations.py (TestOperations). ClickHouse
 * spellings: a table needs an engine, there is no `commit` outside a transaction, and `vacuum` is
 * `optimize table … final`. `--args` is YAML, as the upstream test's yaml.safe_dump(kwargs).
 */
const HAPPY = `
{% macro no_args() %}
  {% if execute %}
    {% call statement(auto_begin=True) %}
      create table "{{ schema }}"."no_args" (id int) engine = Memory
    {% endcall %}
  {% endif %}
{% endmacro %}


{% macro table_name_args(table_name) %}
  {% if execute %}
    {% call statement(auto_begin=True) %}
      create table "{{ schema }}"."{{ table_name }}" (id int) engine = Memory
    {% endcall %}
  {% endif %}
{% endmacro %}

{% macro select_something(name) %}
  {% set query %}
    select 'hello, {{ name }}' as name
  {% endset %}
  {% set table = run_query(query) %}

  {% if table.columns['name'][0] != 'hello, world' %}
    {% do exceptions.raise_compiler_error("unexpected result: " ~ table) %}
  {% endif %}
{% endmacro %}

{% macro vacuum(table_name) %}
  {% set query %}
    optimize table "{{ schema }}"."{{ table_name }}" final
  {% endset %}
  {% do run_query(query) %}
{% endmacro %}


{% macro vacuum_ref(ref_target) %}
  {% set query %}
    optimize table {{ ref(ref_target) }} final
  {% endset %}
  {% do run_query(query) %}
{% endmacro %}


{% macro log_graph() %}
  {% for node in graph.nodes.values() %}
    {{ log((node | string), info=True)}}
  {% endfor %}
{% endmacro %}


{% macro print_something() %}
  {{ print("You're doing awesome!") }}
{% endmacro %}
`;
const SAD = `
{% macro syntax_error() %}
  {% if execute %}
    {% call statement() %}
        select NOPE NOT A VALID QUERY
    {% endcall %}
  {% endif %}
{% endmacro %}
`;

describe('run-operation (run_operations/test_run_operations.py)', () => {
  const project = () =>
    dbtProject({ models: { 'model.sql': 'select 1 as id\n' }, macros: { 'happy_macros.sql': HAPPY, 'sad_macros.sql': SAD }, projectConfig: 'models:\n  +materialized: table\n' });
  const tables = async (p: ReturnType<typeof project>) => (await p.query<{ name: string }>("select name from system.tables where database = '{schema}' order by name")).map((r) => r.name);

  it('test_macro_noargs / test_macro_args: statements run; --args passes YAML keyword arguments', async () => {
    const p = project();
    await p.dbt(['run']);
    await p.dbt(['run-operation', 'no_args']);
    await p.dbt(['run-operation', 'table_name_args', '--args', 'table_name: my_fancy_table\n']);
    expect(await tables(p)).toEqual(['model', 'my_fancy_table', 'no_args']);
  });

  it('test_macro_exception / test_macro_missing: a failing statement and an unknown macro fail', async () => {
    const p = project();
    await p.dbt(['run-operation', 'syntax_error'], { expectPass: false });
    const r = await p.dbt(['run-operation', 'this_macro_does_not_exist'], { expectPass: false });
    expect(r.out.join('\n')).toContain("dbt could not find a macro with the name 'this_macro_does_not_exist' in any package");
  });

  it('test_vacuum / test_vacuum_ref / test_select / test_access_graph / test_print', async () => {
    const p = project();
    await p.dbt(['run']);
    await p.dbt(['run-operation', 'vacuum', '--args', 'table_name: model\n']);
    await p.dbt(['run-operation', 'vacuum_ref', '--args', 'ref_target: model\n']);
    await p.dbt(['run-operation', 'select_something', '--args', 'name: world\n']);
    await p.dbt(['run-operation', 'select_something', '--args', 'name: moon\n'], { expectPass: false });
    const graph = await p.dbt(['run-operation', 'log_graph']);
    expect(graph.out.join('\n')).toContain('model.test.model');
    await p.dbt(['run-operation', 'print_something']);
  });

  it('test_run_operation_local_macro: a local package macro, bare and as pkg.macro; results time compile and execute', async () => {
    const p = project();
    p.write({
      'pkg/macros/something_cool.sql': '\n{% macro something_cool() %}\n    {{ log("something cool", info=true) }}\n{% endmacro %}\n',
      'packages.yml': '\npackages:\n    - local: pkg\n',
      'pkg/dbt_project.yml': "\nname: 'pkg'\n",
    });
    await p.dbt(['deps']);
    for (const macro of ['something_cool', 'pkg.something_cool']) {
      const r = await p.dbt(['run-operation', macro]);
      expect(r.out.join('\n')).toContain('something cool');
      for (const result of r.results as unknown as { status: string; timing: { name: string }[] }[])
        if (result.status !== 'skipped') expect(result.timing.map((t) => t.name)).toEqual(['compile', 'execute']);
    }
  });
});
