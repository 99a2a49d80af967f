import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_ga4_export v0.3.0 (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran/dbt_ga4_export constructs', () => {
  it("BigQuery's partition_by dict over a Nullable date builds, the NULL row kept in a partition of its own (table and delete+insert incremental)", async () => {
    const model = (rows: string) => `{{ config(
    materialized='incremental',
    unique_key='unique_key',
    incremental_strategy='delete+insert',
    partition_by={"field": "event_date", "data_type": "date"},
    cluster_by=['event_name']
) }}
select unique_key, event_date, event_name from (${rows}) as events`;
    const first = "select 'a' as unique_key, cast('2024-01-02' as Nullable(Date)) as event_date, 'page_view' as event_name union all select 'b', cast(null as Nullable(Date)), 'scroll'";
    const { p, project } = setup({
      'models/events_report.sql': model(first),
      'models/events_table.sql': `{{ config(materialized='table', partition_by={"field": "event_date", "data_type": "date"}) }}\n${first}`,
    });
    // ClickHouse refused both: ILLEGAL_COLUMN "Partition key contains nullable columns, but merge tree setting `allow_nullable_key` is disabled".
    expectStatuses(await project.run(), { events_report: 'success', events_table: 'success' });
    const rows = async (table: string) =>
      queryRows(project, `select unique_key, toString(event_date) as event_date, event_name from ${p.schema}.${table} order by unique_key`);
    expect(await rows('events_table')).toEqual([
      { unique_key: 'a', event_date: '2024-01-02', event_name: 'page_view' },
      { unique_key: 'b', event_date: null, event_name: 'scroll' },
    ]);
    // The incremental run replaces b and adds c (a NULL date again): no row lost or doubled.
    p.write({ 'models/events_report.sql': model("select 'b' as unique_key, cast(null as Nullable(Date)) as event_date, 'click' as event_name union all select 'c', cast(null as Nullable(Date)), 'scroll'") });
    const again = p.open();
    try {
      expectStatuses(await again.run({ select: ['events_report'] }), { events_report: 'success' });
      expect(await rows('events_report')).toEqual([
        { unique_key: 'a', event_date: '2024-01-02', event_name: 'page_view' },
        { unique_key: 'b', event_date: null, event_name: 'click' },
        { unique_key: 'c', event_date: null, event_name: 'scroll' },
      ]);
    } finally {
      await again.close();
    }
  });
});
