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
});
