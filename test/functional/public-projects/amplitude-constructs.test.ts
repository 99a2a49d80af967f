import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_amplitude (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran/dbt_amplitude constructs', () => {
  it('a seed timestamp with fractions of a second is a timestamp, as agate reads it (a String before: date_trunc refused it)', async () => {
    // As stg_amplitude__event: `cast(event_time as timestamp) as event_time, cast(date_trunc('day', event_time) as date)`,
    // where the second event_time is the seed's column (SQL's column-over-alias precedence).
    const { p: ip, project: p } = setup({
      'seeds/event_data.csv': 'id,event_time,server_upload_time\n1,2025-03-01T19:42:58.123,2025-02-13T05:35:51.6\n2,2025-03-02T00:00:01.5,\n',
      'models/stg_event.sql': `select
    id,
    cast(event_time as {{ dbt.type_timestamp() }}) as event_time,
    cast({{ dbt.date_trunc('day', 'event_time') }} as date) as event_day,
    server_upload_time
from {{ ref('event_data') }}`,
    });
    expectStatuses(await p.build(), { event_data: 'success', stg_event: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'event_data' and name != 'id' order by position`)).toEqual([
      { name: 'event_time', type: 'DateTime64(3)' },
      { name: 'server_upload_time', type: 'Nullable(DateTime64(1))' },
    ]);
    expect(await queryRows(p, `select id, toString(event_day) as day, toString(server_upload_time) as up from ${ip.schema}.stg_event order by id`)).toEqual([
      { id: 1, day: '2025-03-01', up: '2025-02-13 05:35:51.6' },
      { id: 2, day: '2025-03-02', up: null },
    ]);
  });
});
