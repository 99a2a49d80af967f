import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Projects that copy dbt-clickhouse's own macros into macros/ (urevoleg/course-dbt-clickhouse's
 * `prj` does: table.sql, incremental.sql…), reproduced minimally.
 */
const setup = openedPerTest();

describe("dbt-clickhouse's macros copied into a project", () => {
  it('parses and runs `config.get(name, validator=validation.any[list, basestring])` (a tuple subscript, as in Jinja)', async () => {
    const { p: ip, project: p } = setup({
      'macros/partition_cols.sql': `{% macro partition_cols(label) %}
  {%- set cols = config.get('partition_by', validator=validation.any[list, basestring]) -%}
  {%- set key = config.get('primary_key', validator=validation.any[basestring]) -%}
  {%- set checked = config.get('order_by', validator=validation.any(list, basestring)) -%}
  {%- if cols is not none %}{%- if cols is string -%}{%- set cols = [cols] -%}{%- endif -%}{{ label }} ({{ cols | join(', ') }}){%- endif %}
{%- endmacro %}`,
      'models/m.sql': "{{ config(partition_by='day') }}\nselect '{{ partition_cols('partition by') }}' as clause, {{ (1, 2, 3)[1] }} as second",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select clause, second from ${ip.schema}.m`)).toEqual([{ clause: 'partition by (day)', second: 2 }]);
  });
});
