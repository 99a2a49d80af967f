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
});
