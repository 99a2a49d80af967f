import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/**
 * An installed dbt_date as calogica/dbt_date 0.10.0 (what calogica/dbt_expectations ≤ 0.10.4 installs)
 * writes the macros these tests read: dispatching wrappers and its Snowflake-style defaults, with no
 * ClickHouse version. tsdbt's packages/core/package-macros/dbt_date supplies them.
 */
const dispatching = (name: string, args: string, body: string) =>
  `{% macro ${name}(${args}) %}{{ adapter.dispatch('${name}', 'dbt_date')(${args}) }}{% endmacro %}\n{% macro default__${name}(${args}) %}${body}{% endmacro %}\n`;

const CALOGICA_DBT_DATE: Record<string, string> = {
  'dbt_packages/dbt_date/dbt_project.yml': "name: dbt_date\nversion: '0.10.0'\n",
  'dbt_packages/dbt_date/macros/calendar_date.sql':
    dispatching('convert_timezone', 'column, target_tz, source_tz', "convert_timezone('{{ source_tz }}', '{{ target_tz }}', cast({{ column }} as {{ dbt.type_timestamp() }}))") +
    dispatching('week_start', 'date', "cast({{ dbt.date_trunc('week', date) }} as date)") +
    dispatching('week_end', 'date', "{{ last_day(date, 'week') }}") +
    dispatching('iso_week_start', 'date', "cast({{ dbt.date_trunc('isoweek', date) }} as date)") +
    dispatching('iso_week_end', 'date', "{{ dbt_date.n_days_away(6, dbt_date.iso_week_start(date)) }}") +
    dispatching('week_of_year', 'date', "cast(date_part('week', {{ date }}) as {{ dbt.type_int() }})") +
    dispatching('iso_week_of_year', 'date', "cast(date_part('isoweek', {{ date }}) as {{ dbt.type_int() }})") +
    dispatching('day_of_week', 'date, isoweek', "date_part('dayofweek', {{ date }})") +
    dispatching('day_name', 'date, short', "to_char({{ date }}, '{{ 'Dy' if short else 'Day' }}')") +
    dispatching('month_name', 'date, short', "to_char({{ date }}, '{{ 'MON' if short else 'MONTH' }}')") +
    dispatching('from_unixtimestamp', 'epochs, format', 'to_timestamp({{ epochs }})') +
    "{%- macro n_days_away(n, date) -%}cast({{ dbt.dateadd('day', n, date) }} as date){%- endmacro -%}\n",
};

describe("tsdbt's ClickHouse versions of dbt_date's macros (calogica/dbt_date ≤ 0.10 has none)", () => {
  it('answer as its Postgres versions: weeks from Sunday, ISO weeks from Monday, English names, time zones converted, epochs read', async () => {
    const column = (macro: string) => `{{ dbt_date.${macro} }}`;
    const { p, project } = setup({
      ...CALOGICA_DBT_DATE,
      'models/m.sql': `{% for day in ['2020-11-29', '2020-12-01'] %}
select '{{ day }}' as day,
  ${column("week_start(\"toDate('\" ~ day ~ \"')\")")} as week_start, ${column("week_end(\"toDate('\" ~ day ~ \"')\")")} as week_end,
  ${column("iso_week_start(\"toDate('\" ~ day ~ \"')\")")} as iso_week_start, ${column("iso_week_end(\"toDate('\" ~ day ~ \"')\")")} as iso_week_end,
  ${column("week_of_year(\"toDate('\" ~ day ~ \"')\")")} as week_of_year, ${column("iso_week_of_year(\"toDate('\" ~ day ~ \"')\")")} as iso_week_of_year,
  ${column("day_of_week(\"toDate('\" ~ day ~ \"')\", False)")} as day_of_week, ${column("day_of_week(\"toDate('\" ~ day ~ \"')\", True)")} as iso_day_of_week,
  ${column("day_name(\"toDate('\" ~ day ~ \"')\", False)")} as day_name, ${column("day_name(\"toDate('\" ~ day ~ \"')\", True)")} as day_name_short,
  ${column("month_name(\"toDate('\" ~ day ~ \"')\", False)")} as month_name, ${column("month_name(\"toDate('\" ~ day ~ \"')\", True)")} as month_name_short,
  ${column("from_unixtimestamp(1623076520, 'seconds')")} as from_epoch,
  ${column("convert_timezone(\"'2021-06-07 14:35:20'\", 'America/Los_Angeles', 'UTC')")} as in_los_angeles
{% if not loop.last %}union all{% endif %}
{% endfor %}`,
    });
    expectStatuses(await project.build(), { m: 'success' });
    const rows = await queryRows(
      project,
      `select day, toString(week_start) as ws, toString(week_end) as we, toString(iso_week_start) as iws, toString(iso_week_end) as iwe,
        toInt32(week_of_year) as woy, toInt32(iso_week_of_year) as iwoy, toInt32(day_of_week) as dow, toInt32(iso_day_of_week) as idow,
        day_name, day_name_short, month_name, month_name_short, toString(from_epoch) as from_epoch, toString(in_los_angeles) as la
       from ${p.schema}.m order by day`,
    );
    // calogica/dbt_date's integration tests (test_dates): 2020-11-29 is a Sunday, 2020-12-01 a Tuesday.
    expect(rows).toEqual([
      { day: '2020-11-29', ws: '2020-11-29', we: '2020-12-05', iws: '2020-11-23', iwe: '2020-11-29', woy: 48, iwoy: 48, dow: 1, idow: 7, day_name: 'Sunday', day_name_short: 'Sun', month_name: 'November', month_name_short: 'Nov', from_epoch: '2021-06-07 14:35:20', la: '2021-06-07 07:35:20' },
      { day: '2020-12-01', ws: '2020-11-29', we: '2020-12-05', iws: '2020-11-30', iwe: '2020-12-06', woy: 48, iwoy: 49, dow: 3, idow: 2, day_name: 'Tuesday', day_name_short: 'Tue', month_name: 'December', month_name_short: 'Dec', from_epoch: '2021-06-07 14:35:20', la: '2021-06-07 07:35:20' },
    ]);
  });

  it("a dbt_date with its own ClickHouse versions (godatadriven/dbt_date 0.17+) keeps them", async () => {
    const { project } = setup({
      ...CALOGICA_DBT_DATE,
      'dbt_packages/dbt_date/macros/own.sql': "{% macro clickhouse__week_start(date) %}toMonday({{ date }}){% endmacro %}",
      'models/m.sql': "select {{ dbt_date.week_start(\"toDate('2020-11-29')\") }} as ws",
    });
    expect((await project.compile({ select: ['m'], write: false }))[0]!.sql).toContain("toMonday(toDate('2020-11-29'))");
  });
});
