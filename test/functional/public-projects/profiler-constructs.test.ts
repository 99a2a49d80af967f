import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of data-mie/dbt-profiler (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally. (Its `relation.information_schema()` and agate
 * `data_type.jsonify()` are in dbt-context/relation-column and adapter-methods.)
 */
const setup = openedPerTest();

const dispatching = (name: string, body: string) =>
  `{%- macro ${name}(dtype) -%}{{ return(adapter.dispatch('${name}', macro_namespace='dbt_profiler')(dtype)) }}{%- endmacro -%}\n` +
  `{%- macro default__${name}(dtype) -%}{% do return(${body}) %}{%- endmacro -%}\n`;

/** An installed dbt_profiler with its type tests (their defaults read Postgres/Snowflake type names). */
const PROFILER: Record<string, string> = {
  'dbt_packages/dbt_profiler/dbt_project.yml': "name: dbt_profiler\nversion: '0.9.0'\n",
  'dbt_packages/dbt_profiler/macros/cross_db_utils.sql':
    dispatching('is_numeric_dtype', 'dtype.startswith("int") or dtype.startswith("float") or "numeric" in dtype') +
    dispatching('is_logical_dtype', 'dtype.startswith("bool")') +
    dispatching('is_date_or_time_dtype', 'dtype.startswith("timestamp") or dtype.startswith("date")'),
};

describe('data-mie/dbt-profiler constructs', () => {
  it('its type tests see through Nullable/LowCardinality and know ClickHouse names (a Nullable number was profiled as text)', async () => {
    const { p, project } = setup({
      ...PROFILER,
      'models/typed.sql': `{% set kinds = [] %}
{% for t in ['nullable(int32)', 'uint64', 'lowcardinality(nullable(float64))', 'decimal(10, 2)', 'nullable(bool)', 'nullable(date)', 'datetime64(3)', 'nullable(string)'] %}
{% do kinds.append(t ~ ':' ~ ('n' if dbt_profiler.is_numeric_dtype(t) else '') ~ ('b' if dbt_profiler.is_logical_dtype(t) else '') ~ ('d' if dbt_profiler.is_date_or_time_dtype(t) else '')) %}
{% endfor %}
select '{{ kinds | join(" ") }}' as kinds`,
    });
    expectStatuses(await project.run(), { typed: 'success' });
    expect(await queryRows(project, `select kinds from ${p.schema}.typed`)).toEqual([
      { kinds: 'nullable(int32):n uint64:n lowcardinality(nullable(float64)):n decimal(10, 2):n nullable(bool):b nullable(date):d datetime64(3):d nullable(string):' },
    ]);
  });

  it("compile renders a node's run_query with the settings of its run: a CAST of NULL is NULL (its print_profile tests failed compile and docs generate)", async () => {
    const { project } = setup({
      'models/m.sql': `{% set r = run_query("select cast(min(x) as date) as d from (select cast(null as Nullable(String)) as x)") %}
select '{{ r.columns[0].values()[0] if execute else "" }}' as d`,
    });
    expectStatuses(await project.run(), { m: 'success' });
    // Before: "Cannot convert NULL to a non-nullable type" at compile, while run passed.
    const [compiled] = await project.compile({ select: ['m'], write: false });
    expect(compiled!.sql).toContain("'None' as d");
  });
});
