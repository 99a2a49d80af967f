import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_zendesk v1.6.1 (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran/dbt_zendesk constructs', () => {
  it("a greatest() reading another greatest()'s result gets dbt's common type too (business minutes: greatest(0, float) then greatest(that, bigint))", async () => {
    const { p, project } = setup({
      'models/minutes.sql': `{{ config(materialized='table') }}
with weekly_periods as (
    select 1 as schedule_id, greatest(0, toFloat64(90.5) - 1 * 60) as ticket_week_start_time, least(toFloat64(500.5), 7 * 24 * 60) as ticket_week_end_time
), schedule as (
    select 1 as schedule_id, toInt64(20) as start_time_utc, toInt64(400) as end_time_utc
)
select least(ticket_week_end_time, schedule.end_time_utc) - greatest(weekly_periods.ticket_week_start_time, schedule.start_time_utc) as scheduled_minutes
from weekly_periods join schedule on weekly_periods.schedule_id = schedule.schedule_id`,
    });
    // ClickHouse has no greatest(Float64, Int64) ("Illegal types"); Postgres gives a double: least(500.5, 400) - greatest(30.5, 20).
    expectStatuses(await project.run(), { minutes: 'success' });
    expect(await queryRows(project, `select scheduled_minutes, toTypeName(scheduled_minutes) as type from ${p.schema}.minutes`)).toEqual([{ scheduled_minutes: 369.5, type: 'Float64' }]);
  });

  it("dbt's common types where a CTE joining a `t.*` must first be given dbt's column names (sla_policy_applied.* joined to ticket_schedules)", async () => {
    const { p, project } = setup({
      'models/reply_minutes.sql': `{{ config(materialized='table') }}
with policies as (select 1 as ticket_id, toFloat64(30.5) as start_minute),
schedules as (select 1 as ticket_id, 7 as schedule_id, toInt64(20) as schedule_start),
hours as (select 7 as schedule_id, 40 as weekly_minutes),
applied as (
    select policies.*, schedules.schedule_id, schedules.schedule_start, hours.weekly_minutes
    from policies
    left join schedules on policies.ticket_id = schedules.ticket_id
    left join hours on schedules.schedule_id = hours.schedule_id
),
with_info as (select *, start_minute * 2 as doubled from applied),
final as (
    select with_info.ticket_id, greatest(with_info.start_minute, with_info.schedule_start) as lapsed from with_info
)
select * from final`,
    });
    // ClickHouse names applied's ticket_id `policies.ticket_id` until tsdbt renames it, after the common-type step:
    // its probes failed on with_info.ticket_id, so greatest(Float64, Int64) was never cast.
    expectStatuses(await project.run(), { reply_minutes: 'success' });
    expect(await queryRows(project, `select toInt32(ticket_id) as ticket_id, lapsed from ${p.schema}.reply_minutes`)).toEqual([{ ticket_id: 1, lapsed: 30.5 }]);
  });
});
