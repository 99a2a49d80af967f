import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * run_query / statement cells as dbt hands them to templates: dbt-clickhouse's driver gives agate Python
 * dates and datetimes (naive, or aware for a column typed with a zone other than UTC), which macros call
 * strftime()/isoformat() on, read .year from, compare and subtract. Expected strings are Python's.
 */
const setup = openedPerTest();

const QUERY = `select toDate('2024-01-31') as d, toDate('2024-03-01') as d2, toDateTime('2024-01-02 03:04:05') as ts,
  toDateTime64('2024-01-02 03:04:05.120', 3) as ts3, toDateTime64('2024-01-02 03:04:05', 3) as ts0,
  toDateTime('2024-07-01 12:00:00', 'Europe/Berlin') as berlin, toDateTime('2024-07-01 12:00:00', 'UTC') as utc,
  cast(null as Nullable(Date)) as none_d, toDate32('1960-05-06') as old`;

describe('run_query cells', () => {
  it('Date and DateTime cells are Python dates: strftime, fields, str(), comparisons, subtraction, isoformat, zones', async () => {
    const { project } = setup({
      'macros/ops.sql': `{% macro cells() %}
{% set t = run_query("${QUERY}") %}
{% set r = t.rows[0] %}
{% set out = [] %}
{% do out.append(r['d'].strftime('%Y-%m-%d') ~ '|' ~ r['d'].strftime('%d/%m/%y %A') ~ '|' ~ r['old'].strftime('%Y%m%d')) %}
{% do out.append([r['d'].year, r['d'].month, r['d'].day, r['d'].weekday()] | join('-')) %}
{% do out.append(r['d'] ~ '|' ~ (r['d'] | string) ~ '|' ~ r['d'].isoformat()) %}
{% do out.append((r['d'] < r['d2']) ~ '|' ~ (r['d2'] - r['d']).days ~ '|' ~ (r['d'] is string) ~ '|' ~ (r['d'] == r['d2'])) %}
{% do out.append(r['ts'] ~ '|' ~ r['ts3'] ~ '|' ~ r['ts0'] ~ '|' ~ r['ts'].isoformat() ~ '|' ~ r['ts'].hour ~ '|' ~ r['ts3'].microsecond) %}
{% do out.append(r['berlin'] ~ '|' ~ r['utc'] ~ '|' ~ (r['berlin'].tzinfo is not none) ~ '|' ~ (r['utc'].tzinfo is none)) %}
{% do out.append((r['none_d'] is none) ~ '|' ~ (t.columns['d'].values()[0] + modules.datetime.timedelta(days=1))) %}
{% do out.append(t.columns['ts3'].data_type.jsonify(r['ts3']) ~ '|' ~ t.columns['d'].data_type.jsonify(r['d'])) %}
{{ return(out | join('\\n')) }}
{% endmacro %}`,
    });
    // Before: 'str object' has no attribute 'strftime' (the cells were ClickHouse's text).
    expect((await project.runOperation('cells')).split('\n')).toEqual([
      '2024-01-31|31/01/24 Wednesday|19600506',
      '2024-1-31-2',
      '2024-01-31|2024-01-31|2024-01-31',
      'True|30|False|False',
      '2024-01-02 03:04:05|2024-01-02 03:04:05.120000|2024-01-02 03:04:05|2024-01-02T03:04:05|3|120000',
      '2024-07-01 12:00:00+02:00|2024-07-01 12:00:00|True|True',
      'True|2024-02-01',
      '2024-01-02T03:04:05.120000|2024-01-31',
    ]);
  });

  it("statement data prints dates as Python's repr; distinct values compare dates by value; elementary's val.year is defined", async () => {
    const { project } = setup({
      'macros/ops.sql': `{% macro data() %}
{% call statement('q', fetch_result=True) %}select toDate('2024-01-02') + intDiv(number, 2) as d, toDateTime('2024-01-02 00:00:00') as ts, 'x' as s from numbers(3) order by number{% endcall %}
{% set r = load_result('q') %}
{% set serialized = [] %}
{% for row in r['table'].rows %}{% for v in row %}{% do serialized.append(v.isoformat() if v.year is defined else v) %}{% endfor %}{% endfor %}
{{ return(r['data'][0] ~ ' ' ~ r['table'].columns['d'].values_distinct() | length ~ ' ' ~ serialized | join(',') ~ ' ' ~ tojson(r['data'][0])) }}
{% endmacro %}`,
    });
    expect(await project.runOperation('data')).toBe(
      "[datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 0, 0), 'x'] 2 " +
        '2024-01-02,2024-01-02T00:00:00,x,2024-01-02,2024-01-02T00:00:00,x,2024-01-03,2024-01-02T00:00:00,x ' +
        '["2024-01-02", "2024-01-02T00:00:00", "x"]',
    );
  });

  it("calogica/dbt_expectations 0.8.5's expect_row_values_to_have_data_for_every_n_datepart construct (strftime on run_query's dates, no string guard): a date spine from run_query's min/max dates", async () => {
    const { project } = setup({
      'models/events.sql': "select toDate('2024-01-01') + number * 2 as day from numbers(3)",
      'models/schema.yml': `version: 2
models:
  - name: events
    data_tests:
      - every_day:
          date_col: day
`,
      'tests/generic/every_day.sql': `{% test every_day(model, date_col) %}
{% if not execute %}{{ return('') }}{% endif %}
{% set dr = run_query('select min(cast(' ~ date_col ~ ' as date)) as start_day, max(cast(' ~ date_col ~ ' as date)) as end_day from ' ~ model) %}
{%- set db_start_date = dr.columns[0].values()[0].strftime('%Y-%m-%d') -%}
{%- set db_end_date = dr.columns[1].values()[0].strftime('%Y-%m-%d') -%}
select d from (select toDate('{{ db_start_date }}') + number as d from numbers(dateDiff('day', toDate('{{ db_start_date }}'), toDate('{{ db_end_date }}')) + 1))
where d not in (select {{ date_col }} from {{ model }})
{% endtest %}`,
    });
    const results = await project.build();
    // The spine 2024-01-01..05 misses the 2nd and 4th: the test finds 2 rows (before: an error, 'str object' has no attribute 'strftime').
    expectStatuses(results, { events: 'success', 'every_day_events_day': 'fail' });
    expect(results.results.find((r) => r.node.name.startsWith('every_day'))?.failures).toBe(2);
  });

  it("an incremental model filtering on run_query's max of a DateTime64(9) column appends no row twice: the cell prints its nanoseconds", async () => {
    const { project } = setup({
      'models/src.sql': "select toDateTime64('2024-01-02 10:00:00.123456789', 9) as ts, 1 as id",
      'models/inc.sql': `{{ config(materialized='incremental') }}
{% if is_incremental() %}{% set max_ts = run_query('select max(ts) from ' ~ this).columns[0].values()[0] %}{% endif %}
select ts, id from {{ ref('src') }}{% if is_incremental() %} where ts > '{{ max_ts }}'{% endif %}`,
      'macros/ops.sql': `{% macro nanos() %}
{% set r = run_query("select toDateTime64('2024-01-02 10:00:00.000000789', 9, 'Europe/Berlin') as b, toDateTime64('2024-01-02 10:00:00.120000000', 9) as z").rows[0] %}
{{ return(r['b'] ~ '|' ~ r['b'].isoformat() ~ '|' ~ r['b'].microsecond ~ '|' ~ r['z']) }}
{% endmacro %}`,
    });
    // Past the microsecond, the text is ClickHouse's; at it, Python's (a zero tail is no digit more).
    expect(await project.runOperation('nanos')).toBe('2024-01-02 10:00:00.000000789+01:00|2024-01-02T10:00:00.000000789+01:00|0|2024-01-02 10:00:00.120000');
    expectStatuses(await project.run(), { src: 'success', inc: 'success' });
    expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
    // Cut to microseconds (clickhouse-connect's datetime), '…00.123456' < the stored ts: the row came back a second time.
    expect(await (await project.adapter()).rowCount(project.node('model.proj.inc').relation)).toBe(1);
  });
});
