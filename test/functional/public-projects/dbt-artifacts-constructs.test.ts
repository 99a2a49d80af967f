import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of brooklyn-data/dbt_artifacts' integration_test_project that failed when run
 * unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt_artifacts constructs', () => {
  it('gives templates invocation_args_dict (a dict of the run args, as run_results.json) and dbt_metadata_envs', async () => {
    process.env.DBT_ENV_CUSTOM_ENV_TEAM = 'data';
    try {
      const { p: ip, project: p } = setup({
        'macros/upload.sql': `{% macro upload() %}
  {% set args = invocation_args_dict.copy() %}
  {% set rows = [] %}
  {% for k, v in args.items() %}{% if k in ['which', 'full_refresh', 'select'] %}{% do rows.append(k ~ '=' ~ (v | string | replace("'", ""))) %}{% endif %}{% endfor %}
  {% for k, v in dbt_metadata_envs.items() %}{% do rows.append('env:' ~ k ~ '=' ~ v) %}{% endfor %}
  {% do run_query("create table if not exists " ~ target.schema ~ ".uploaded (line String) engine = Memory") %}
  {% do run_query("insert into " ~ target.schema ~ ".uploaded values ('" ~ (rows | sort | join("'), ('")) ~ "')") %}
{% endmacro %}`,
        'models/m.sql': "select 1 as id",
        'project.yml': 'name: proj\nprofile: proj\non-run-end:\n  - "{{ upload() }}"\n',
      });
      const r = await p.run({ select: ['m'], fullRefresh: true });
      expectStatuses(r, { m: 'success' });
      expect(r.hooks.map((h) => h.status)).toEqual(['success']);
      expect((await queryRows<{ line: string }>(p, `select line from ${ip.schema}.uploaded order by line`)).map((r) => r.line)).toEqual([
        'env:TEAM=data',
        'full_refresh=True',
        "select=[m]",
        'which=run',
      ]);
    } finally {
      delete process.env.DBT_ENV_CUSTOM_ENV_TEAM;
    }
  });

  it("describes an incremental model's query with its query settings: `cast(null as String)` is Nullable(String) on the second run too", async () => {
    const { p: ip, project: p } = setup({
      'models/uploads.sql': `{{ config(materialized='incremental', full_refresh=false) }}
with dummy_cte as (select 1 as foo)
select cast(null as {{ dbt.type_string() }}) as command_invocation_id, cast(null as {{ dbt.type_timestamp() }}) as run_started_at
from dummy_cte
where 1 = 0`,
    });
    expectStatuses(await p.run(), { uploads: 'success' });
    expectStatuses(await p.run(), { uploads: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'uploads' order by position`)).toEqual([
      { name: 'command_invocation_id', type: 'Nullable(String)' },
      { name: 'run_started_at', type: 'Nullable(DateTime)' },
    ]);
  });

  it("uploads on ClickHouse through tsdbt's clickhouse__ versions (its Postgres DML: '…' and $$…$$ values); a test result's node.config answers None for a key TestConfig lacks", async () => {
    // dbt_artifacts' own shapes (HEAD 6d37fa0), cut down: the default insert does nothing and the
    // default DML is Snowflake's `from values`; test_executions writes `{{ test.node.config.full_refresh }}`.
    const pkg = {
      'dbt_packages/dbt_artifacts/dbt_project.yml': "name: dbt_artifacts\nversion: '2.9.3'\n",
      'dbt_packages/dbt_artifacts/macros/upload.sql': `{% macro upload_results(results) -%}
  {% set tests = results | selectattr("node.resource_type", "equalto", "test") | list %}
  {% set content = adapter.dispatch('get_test_executions_dml_sql', 'dbt_artifacts')(tests) %}
  {{ dbt_artifacts.insert_into_metadata_table(api.Relation.create(schema=target.schema, identifier='test_executions'), '(node_id, was_full_refresh, status, message)', content) }}
{%- endmacro %}
{% macro insert_into_metadata_table(relation, fields, content) -%}{{ return(adapter.dispatch('insert_into_metadata_table', 'dbt_artifacts')(relation, fields, content)) }}{%- endmacro %}
{% macro default__insert_into_metadata_table(relation, fields, content) -%}{%- endmacro %}
{% macro postgres__insert_into_metadata_table(relation, fields, content) -%}
  {% set q %}insert into {{ relation }} {{ fields }} values {{ content }}{% endset %}
  {% do run_query(q) %}
{%- endmacro %}
{% macro default__get_test_executions_dml_sql(tests) -%}select $1, $2, $3, $4 from values {% for test in tests %}('{{ test.node.unique_id }}'){% endfor %}{%- endmacro %}
{% macro postgres__get_test_executions_dml_sql(tests) -%}
  {% for test in tests -%}
    {% set config_full_refresh = test.node.config.full_refresh %}
    {% if config_full_refresh is none %}{% set config_full_refresh = flags.FULL_REFRESH %}{% endif %}
    ('{{ test.node.unique_id }}', {{ config_full_refresh }}, '{{ test.status }}', $\${{ test.message }}$$){%- if not loop.last %},{%- endif %}
  {%- endfor %}
{%- endmacro %}`,
    };
    const { p: ip, project: p } = setup({
      ...pkg,
      'models/m.sql': 'select 1 as id',
      'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
      'project.yml': 'name: proj\nprofile: proj\non-run-start:\n  - "create table if not exists {{ target.schema }}.test_executions (node_id Nullable(String), was_full_refresh Nullable(Bool), status Nullable(String), message Nullable(String)) engine = MergeTree order by tuple()"\non-run-end:\n  - "{{ dbt_artifacts.upload_results(results) }}"\n',
    });
    const r = await p.build();
    expect(r.hooks.map((h) => `${h.name}: ${h.status}`)).toEqual(['proj.on-run-start.0: success', 'proj.on-run-end.0: success']);
    // Before: nothing uploaded (the default insert), and with the Postgres DML "Cannot parse expression of type Nullable(Bool)" (full_refresh Undefined).
    expect(await queryRows(p, `select splitByChar('.', node_id)[3] as test, was_full_refresh, status from ${ip.schema}.test_executions order by test`)).toEqual([
      { test: 'not_null_m_id', was_full_refresh: false, status: 'pass' },
      { test: 'unique_m_id', was_full_refresh: false, status: 'pass' },
    ]);
  });
});
