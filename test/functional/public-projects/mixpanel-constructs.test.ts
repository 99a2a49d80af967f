import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_mixpanel (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

// As stg_mixpanel__user_event_date_spine: BigQuery's partition_by dict (a partition per day) over a daily spine.
const SPINE = (days: number) => `{{ config(
    materialized='incremental',
    unique_key='unique_key',
    incremental_strategy='delete+insert',
    partition_by={"field": "date_day", "data_type": "date"} if target.type not in ('spark','databricks') else ['date_day'],
) }}
select toDate('2010-01-01') + number as date_day, toString(number) as unique_key
from numbers(${days})
{% if is_incremental() %}where toDate('2010-01-01') + number > (select max(date_day) from {{ this }}){% endif %}`;

describe('fivetran/dbt_mixpanel constructs', () => {
  it("a model partitioned by BigQuery's {field, data_type} inserts more than 100 days at once (TOO_MANY_PARTS before), and again incrementally", async () => {
    const { p: ip, project: p } = setup({ 'models/user_event_date_spine.sql': SPINE(150) });
    expectStatuses(await p.build(), { user_event_date_spine: 'success' });
    const count = `select count() as n, uniqExact(unique_key) as keys, count(distinct _partition_id) as parts from ${ip.schema}.user_event_date_spine`;
    expect(await queryRows(p, count)).toEqual([{ n: '150', keys: '150', parts: '150' }]);
    ip.write({ 'models/user_event_date_spine.sql': SPINE(320) });
    const again = ip.open();
    try {
      expectStatuses(await again.build(), { user_event_date_spine: 'success' });
      expect(await queryRows(again, count)).toEqual([{ n: '320', keys: '320', parts: '320' }]);
    } finally {
      await again.close();
    }
  });

  it('a model that sets max_partitions_per_insert_block itself keeps it', async () => {
    const { project: p } = setup({
      'models/user_event_date_spine.sql': SPINE(150).replace("incremental_strategy='delete+insert',", "incremental_strategy='delete+insert', query_settings={'max_partitions_per_insert_block': 100},"),
    });
    const result = await p.build();
    expect(result.results[0]?.message).toMatch(/TOO_MANY_PARTS|Too many partitions/);
  });
});
