import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of elementary-data's dbt package (dbt-data-reliability, its integration_tests
 * project) that failed when run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('elementary constructs', () => {
  it("a project macro named run_query calls dbt.run_query (dbt's macro) and renames the agate table's columns", async () => {
    const { p: ip, project: p } = setup({
      'macros/run_query.sql': `{% macro run_query(query, lowercase_column_names=True) %}
  {% set query_result = dbt.run_query(query) %}
  {% if lowercase_column_names %}
    {% set lowercased = {} %}
    {% for column_name in query_result.column_names %}{% do lowercased.update({column_name: column_name.lower()}) %}{% endfor %}
    {% set query_result = query_result.rename(lowercased) %}
  {% endif %}
  {% do return(query_result) %}
{% endmacro %}`,
      'models/m.sql': `{% if execute %}{% set t = run_query("select 7 as N, 'x' as Kind") %}{% set renamed = t.rename(['a', 'b']) %}{% endif %}
select {{ t.rows[0]['n'] if execute else 0 }} as n, '{{ t.column_names | join(",") if execute else "" }}' as names, '{{ renamed.column_names | join(",") if execute else "" }}' as listed, {{ dbt.is_incremental() }} as inc`,
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select n, names, listed, inc from ${ip.schema}.m`)).toEqual([{ n: 7, names: 'n,kind', listed: 'a,b', inc: false }]);
  });

  it("a package's on-run-end hook macro reads `results` from the context and calls to_dict() on each result's node and timing: elementary's handle_tests_results", async () => {
    const { p: ip, project: p } = setup({
      'dbt_packages/elementary/dbt_project.yml': "name: elementary\nversion: '0.25.1'\non-run-end:\n  - \"{{ elementary.on_run_end() }}\"\n",
      // As elementary's get_run_result_dict (dbt ≥ 1.8) and dbt_object_to_dict; the hook passes no argument.
      'dbt_packages/elementary/macros/on_run_end.sql': `{% macro on_run_end() %}{% do elementary.handle_tests_results() %}{% endmacro %}
{% macro dbt_object_to_dict(o) %}{% do return(o.to_dict()) %}{% endmacro %}
{% macro handle_tests_results() %}
  {% set rows = [] %}
  {% for result in results %}
    {% set timing = [] %}{% for item in result.timing %}{% do timing.append(elementary.dbt_object_to_dict(item)) %}{% endfor %}
    {% set node = elementary.dbt_object_to_dict(result.node) %}
    {% do rows.append("('" ~ node.unique_id ~ "', '" ~ node.resource_type ~ "', '" ~ result.status ~ "', '" ~ (timing | map(attribute='name') | join(',')) ~ "')") %}
  {% endfor %}
  {% do run_query("create table if not exists " ~ target.schema ~ ".test_results (id String, kind String, status String, timing String) engine = Memory") %}
  {% if rows %}{% do run_query("insert into " ~ target.schema ~ ".test_results values " ~ (rows | join(', '))) %}{% endif %}
{% endmacro %}`,
      // A root macro the root hook calls with no argument sees them too.
      'macros/count_results.sql': `{% macro count_results() %}insert into {{ target.schema }}.counted select {{ results | length }}, '{{ schemas | join(",") }}'{% endmacro %}`,
      'project.yml': 'name: proj\nprofile: proj\non-run-start:\n  - "create table if not exists {{ target.schema }}.counted (n UInt32, schemas String) engine = Memory"\non-run-end:\n  - "{{ count_results() }}"\n',
      'models/m.sql': 'select 1 as id',
      'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    const r = await p.build();
    expect(r.hooks.map((h) => `${h.name}: ${h.status}`)).toEqual(['proj.on-run-start.0: success', 'elementary.on-run-end.0: success', 'proj.on-run-end.0: success']);
    // Before: 0 rows (results Undefined in the macros), then "'dict object' has no attribute 'to_dict'".
    expect(await queryRows(p, `select id, kind, status, timing from ${ip.schema}.test_results order by id`)).toEqual([
      { id: 'model.proj.m', kind: 'model', status: 'success', timing: 'compile,execute' },
      { id: expect.stringMatching(/^test\.proj\.not_null_m_id\./), kind: 'test', status: 'pass', timing: 'compile,execute' },
    ]);
    expect(await queryRows(p, `select n, schemas from ${ip.schema}.counted`)).toEqual([{ n: 2, schemas: ip.schema }]);
  });

  it("a test whose render wrote through run_query (elementary's metrics temp tables) gets dbt's common types before it runs: volume_threshold's Float64/Decimal CASE", async () => {
    const { p: ip, project: p } = setup({
      // As elementary's volume_threshold: the render writes, then the comparison CASE mixes 999999.99 (Float64) with a Decimal(28, 6).
      'tests/volume_threshold.sql': `{% if execute %}{% do run_query("create database if not exists " ~ target.schema) %}{% do run_query("create table if not exists " ~ target.schema ~ ".render_log (n UInt8) engine = MergeTree order by tuple()") %}{% do run_query("insert into " ~ target.schema ~ ".render_log values (1)") %}{% endif %}
with c as (select number as n from numbers(3)),
comparison as (
  select case when n = 0 then null when n = 1 then case when n > 0 then 999999.99 else 0 end
    else round(cast((n - 1) * 100.0 / n as {{ dbt.type_numeric() }}), 2) end as percent_change
  from c
)
select * from comparison where percent_change > 40`,
    });
    const r = await p.test();
    // Before: NO_COMMON_TYPE (Float64, Decimal(28, 6)), not run again since the render had written.
    expect(r.results.map((x) => [x.node.name, x.status, x.failures]), r.results[0]?.message).toEqual([["volume_threshold", "fail", 2]]);
    expect(await queryRows(p, `select toUInt8(count()) as c from ${ip.schema}.render_log`)).toEqual([{ c: 1 }]);
  });
});
