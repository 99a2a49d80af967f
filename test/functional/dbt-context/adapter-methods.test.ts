import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's adapter methods and statement machinery as macros call them (run-operation and models),
 * on the embedded engine. SQL given to run_query / statement runs as written.
 */
const setup = openedPerTest();

describe('statements', () => {
  it('statement + load_result: table, data and response; a result loads once', async () => {
    const { project } = setup({
      'macros/ops.sql': `{% macro stmt() %}
{% call statement('q', fetch_result=True) %}select number as n, toString(number) as s from numbers(3){% endcall %}
{% set r = load_result('q') %}
{{ return(r['table'].column_names | join(',') ~ ' ' ~ r['data'] ~ ' ' ~ (r['table'].columns['n'].values() | sum) ~ ' ' ~ (r['table'].rows[1]['s']) ~ ' ' ~ (load_result('nothing') is none)) }}
{% endmacro %}
{% macro twice() %}{% call statement('x', fetch_result=True) %}select 1{% endcall %}{% do load_result('x') %}{% do load_result('x') %}{% endmacro %}`,
    });
    expect(await project.runOperation('stmt')).toBe("n,s [[0, '0'], [1, '1'], [2, '2']] 3 1 True");
    await expect(project.runOperation('twice')).rejects.toThrow(/already been loaded/);
  });

  it("a column's agate data_type and jsonify(value) (data-mie/dbt-profiler's print_profile_schema): ISO dates and timestamps, numbers and text as they are", async () => {
    const { project } = setup({
      'macros/ops.sql': `{% macro types() %}
{% set t = run_query("select toInt64(7) as n, toNullable(toDecimal64(1.5, 2)) as d, 'x' as s, toDate('2022-01-02') as day, toDateTime('2022-01-02 03:04:05', 'UTC') as ts, true as b, cast(null as Nullable(DateTime)) as none_ts") %}
{% set out = [] %}
{% for row in t.rows %}{% for key, value in row.dict().items() %}{% do out.append(key ~ '=' ~ t.columns.get(key).data_type.jsonify(value)) %}{% endfor %}{% endfor %}
{{ return(out | join(' ') ~ ' ' ~ (t.column_types | length)) }}
{% endmacro %}`,
    });
    // Before: "Unable to call column.data_type.jsonify" (data_type was the ClickHouse type name).
    expect(await project.runOperation('types')).toBe('n=7 d=1.5 s=x day=2022-01-02 ts=2022-01-02T03:04:05 b=True none_ts=None 7');
  });

  it('run_query sends SQL as written: INSERT … VALUES after a comment, and an UPDATE', async () => {
    const { p, project } = setup({
      'macros/ops.sql': `{% macro write_rows() %}
{% do run_query('create table if not exists ' ~ target.schema ~ '.t (id UInt32, v String) engine = MergeTree order by id settings enable_block_number_column = 1, enable_block_offset_column = 1') %}
{% do run_query("-- load two rows\\ninsert into " ~ target.schema ~ ".t values (1, 'a'), (2, 'b')") %}
{% do run_query("update " ~ target.schema ~ ".t set v = 'z' where id = 2") %}
{% set r = run_query('select id, v from ' ~ target.schema ~ '.t order by id') %}
{{ return(r.rows | map('list') | list) }}
{% endmacro %}`,
    });
    await project.adapter().then((a) => a.ensureDatabase(p.schema));
    expect(await project.runOperation('write_rows')).toBe("[[1, 'a'], [2, 'z']]");
  });

  it('statements do not run while parsing; a model using them renders again at run time', async () => {
    const { p, project } = setup({
      'models/m.sql': `{% set t = run_query('select 41 + 1 as x') %}
select {{ t.columns[0].values()[0] if t else 0 }} as answer`,
    });
    expectStatuses(await project.run(), { m: 'success' });
    expect(await queryRows(project, `SELECT answer FROM ${p.schema}.m`)).toEqual([{ answer: 42 }]);
  });
});

describe('adapter methods', () => {
  it('create/check/drop schema, drop/rename relation, already_exists, get_missing_columns, list_relations_without_caching, commit', async () => {
    const { p, project } = setup({
      'models/wide.sql': "{{ config(materialized='table') }} select 1 as a, 2 as b, 3 as c",
      'models/narrow.sql': "{{ config(materialized='table') }} select 1 as a",
      'macros/ops.sql': `{% macro probe() %}
{% set extra = api.Relation.create(schema=target.schema ~ '_extra', identifier='x') %}
{% do adapter.create_schema(extra) %}
{% set made = adapter.check_schema_exists(none, target.schema ~ '_extra') %}
{% do adapter.drop_schema(extra) %}
{% set gone = not adapter.check_schema_exists(none, target.schema ~ '_extra') %}
{% set wide = adapter.get_relation(none, target.schema, 'wide') %}
{% set narrow = adapter.get_relation(none, target.schema, 'narrow') %}
{% set missing = adapter.get_missing_columns(wide, narrow) | map(attribute='name') | list %}
{% do adapter.rename_relation(narrow, narrow.incorporate(path={'identifier': 'narrow2'})) %}
{% set renamed = adapter.already_exists(target.schema, 'narrow2') and not adapter.already_exists(target.schema, 'narrow') %}
{% set listed = adapter.list_relations_without_caching(api.Relation.create(schema=target.schema)) | map(attribute='identifier') | sort | list %}
{% do adapter.drop_relation(wide) %}
{% do adapter.commit() %}
{{ return([made, gone, missing, renamed, listed, adapter.already_exists(target.schema, 'wide')]) }}
{% endmacro %}`,
    });
    expectStatuses(await project.run(), { wide: 'success', narrow: 'success' });
    expect(await project.runOperation('probe')).toBe("[True, True, ['b', 'c'], True, ['narrow2', 'wide'], False]");
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'narrow2' }]);
  });

  it("get_model_query_settings renders a model's query_settings as dbt-clickhouse does", async () => {
    const { project } = setup({
      'models/m.sql': "{{ config(query_settings={'join_use_nulls': 1, 'join_algorithm': 'hash'}) }} select 1 as x",
      'macros/ops.sql': `{% macro qs() %}{{ return(adapter.get_model_query_settings(graph.nodes['model.proj.m']) | trim) }}{% endmacro %}`,
    });
    expect(await project.runOperation('qs')).toBe("-- settings_section\nSETTINGS join_use_nulls=1, join_algorithm='hash'");
  });
});
