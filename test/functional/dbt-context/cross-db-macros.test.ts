import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's cross-database macros (the built-in `dbt` package, packages/core/macros) run on ClickHouse
 * and answer as they do on other warehouses: each is rendered into a model, built, and read back.
 */
const setup = openedPerTest();

describe('cross-database macros', () => {
  it('string macros', async () => {
    const { p, project } = setup({
      'models/strings.sql': `select
  {{ dbt.concat(["'a'", "'b'", "'c'"]) }} as concat_v,
  {{ dbt.hash("'abc'") }} as hash_v,
  {{ dbt.length("'héllo'") }} as length_v,
  {{ dbt.position("'l'", "'héllo'") }} as position_v,
  {{ dbt.replace("'a-b-c'", "'-'", "'+'") }} as replace_v,
  {{ dbt.right("'héllo'", 3) }} as right_v,
  {{ dbt.split_part("'a,b,c'", "','", 2) }} as split_v,
  {{ dbt.split_part("'a,b,c'", "','", -1) }} as split_last,
  {{ dbt.string_literal('it') }} as literal_v,
  '{{ dbt.escape_single_quotes("it's a \\\\ test") }}' as escaped_v,
  {{ dbt.cast_bool_to_text('1 = 1') }} as true_text,
  {{ dbt.cast_bool_to_text('1 = 0') }} as false_text`,
    });
    expectStatuses(await project.run(), { strings: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.strings`)).toEqual([
      {
        concat_v: 'abc', hash_v: '900150983cd24fb0d6963f7d28e17f72', length_v: '5', position_v: '3', replace_v: 'a+b+c', right_v: 'llo',
        split_v: 'b', split_last: 'c', literal_v: 'it', escaped_v: "it's a \\ test", true_text: 'true', false_text: 'false',
      },
    ]);
  });

  it('date macros', async () => {
    const { p, project } = setup({
      'models/dates.sql': `select
  {{ dbt.dateadd('day', 1, "toDate('2020-02-28')") }} as next_day,
  {{ dbt.dateadd('month', -1, "toDate('2020-03-31')") }} as month_before,
  {{ dbt.datediff("toDate('2020-01-01')", "toDate('2020-03-01')", 'day') }} as diff_days,
  {{ dbt.datediff("toDate('2020-01-31')", "toDate('2020-02-01')", 'month') }} as diff_months,
  {{ dbt.datediff("'2018-01-01'", "'2018-01-10'", 'day') }} as diff_strings,
  {{ dbt.datediff("toDateTime('2020-01-01 23:30:00', 'UTC')", "toDateTime('2020-01-02 00:10:00', 'UTC')", 'day') }} as diff_midnight,
  toDate({{ dbt.date_trunc('month', "toDate('2020-02-15')") }}) as trunc_month,
  toDate({{ dbt.last_day("toDate('2020-02-15')", 'month') }}) as last_of_month,
  {{ dbt.date(2020, 2, 29) }} as made_date,
  {{ dbt.current_timestamp() }} > toDateTime('2020-01-01 00:00:00') as now_is_recent`,
    });
    expectStatuses(await project.run(), { dates: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.dates`)).toEqual([
      {
        next_day: '2020-02-29', month_before: '2020-02-29', diff_days: '60', diff_months: '1', diff_strings: '9', diff_midnight: '1', trunc_month: '2020-02-01', last_of_month: '2020-02-29',
        made_date: '2020-02-29', now_is_recent: 1,
      },
    ]);
  });

  it('type macros name ClickHouse types as dbt-clickhouse does (type_float: a double, as dbt\'s float elsewhere)', async () => {
    const { p, project } = setup({
      'models/types.sql': `select
  toTypeName(cast('a' as {{ dbt.type_string() }})) as t_string,
  toTypeName(cast('2020-01-01 00:00:00' as {{ dbt.type_timestamp() }})) as t_timestamp,
  toTypeName(cast(1.5 as {{ dbt.type_float() }})) as t_float,
  toTypeName(cast(1.5 as {{ dbt.type_numeric() }})) as t_numeric,
  toTypeName(cast(1 as {{ dbt.type_bigint() }})) as t_bigint,
  toTypeName(cast(1 as {{ dbt.type_int() }})) as t_int,
  toTypeName(cast(1 as {{ dbt.type_boolean() }})) as t_boolean,
  {{ dbt.cast("'12'", dbt.type_int()) }} as cast_v,
  {{ dbt.safe_cast("'13'", dbt.type_bigint()) }} as safe_cast_v,
  {{ dbt.safe_cast('null', dbt.type_int()) }} as safe_cast_default`,
    });
    expectStatuses(await project.run(), { types: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.types`)).toEqual([
      { t_string: 'String', t_timestamp: 'DateTime', t_float: 'Float64', t_numeric: 'Decimal(28, 6)', t_bigint: 'Int64', t_int: 'Int32', t_boolean: 'Bool', cast_v: 12, safe_cast_v: '13', safe_cast_default: 0 },
    ]);
  });

  it('aggregate, array and set-operation macros', async () => {
    const { p, project } = setup({
      'models/aggs.sql': `select
  {{ dbt.any_value('x') }} between 1 and 3 as any_ok,
  {{ dbt.bool_or('x > 2') }} as some_big,
  {{ dbt.bool_or('x > 5') }} as none_big,
  {{ dbt.listagg('toString(x)', "','", 'order by x desc') }} as listagg_desc,
  {{ dbt.listagg('toString(x)', "'|'", 'order by x', 2) }} as listagg_two,
  {{ dbt.array_concat(dbt.array_append(dbt.array_construct(['1', '2']), '3'), dbt.array_construct(['4'])) }} as arr
from (select arrayJoin([2, 1, 3]) as x)`,
      // bool_or is an aggregate call an OVER clause can follow (audit_helper's compare_and_classify macros).
      'models/windowed.sql': "select x, {{ dbt.bool_or('x > 2') }} over (partition by x % 2) as group_big from (select arrayJoin([1, 2, 3]) as x)",
      'models/sets.sql': `select count() as n_except, (select count() from (select arrayJoin([1, 1, 2]) as x {{ dbt.intersect() }} select arrayJoin([1, 1]))) as n_intersect
from (select arrayJoin([1, 1, 2, 3]) as x {{ dbt.except() }} select 2)`,
    });
    expectStatuses(await project.run(), { aggs: 'success', windowed: 'success', sets: 'success' });
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.aggs`)).toEqual([
      { any_ok: 1, some_big: true, none_big: false, listagg_desc: '3,2,1', listagg_two: '1|2', arr: [1, 2, 3, 4] },
    ]);
    expect(await queryRows(project, `SELECT x, group_big FROM ${p.schema}.windowed ORDER BY x`)).toEqual([
      { x: 1, group_big: true }, { x: 2, group_big: false }, { x: 3, group_big: true },
    ]);
    // EXCEPT / INTERSECT drop duplicates, as the SQL standard's (and dbt's other warehouses').
    expect(await queryRows(project, `SELECT * FROM ${p.schema}.sets`)).toEqual([{ n_except: '2', n_intersect: '1' }]);
  });

  it('generate_series, date_spine (asks the warehouse at run time) and get_columns_in_query', async () => {
    const { p, project } = setup({
      'models/series.sql': "{{ dbt.generate_series(5) }}",
      'models/spine.sql': `{{ dbt.date_spine('day', "toDate('2020-01-01')", "toDate('2020-01-05')") }}`,
      'models/cols.sql': `{% set cols = get_columns_in_query('select 1 as a, 2 as b') if execute else [] %}
select '{{ cols | join(",") }}' as names`,
    });
    expectStatuses(await project.run(), { series: 'success', spine: 'success', cols: 'success' });
    expect((await queryRows<{ generated_number: string }>(project, `SELECT * FROM ${p.schema}.series ORDER BY 1`)).map((r) => Number(r.generated_number))).toEqual([1, 2, 3, 4, 5]);
    expect((await queryRows<{ date_day: string }>(project, `SELECT toString(date_day) AS date_day FROM ${p.schema}.spine ORDER BY 1`)).map((r) => r.date_day)).toEqual([
      '2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04',
    ]);
    expect(await queryRows(project, `SELECT names FROM ${p.schema}.cols`)).toEqual([{ names: 'a,b' }]);
  });
});
