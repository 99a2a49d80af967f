import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A model's `cast(x as timestamp)` keeps whole seconds, as dbt-clickhouse's DateTime (under dbt_semantics a
 * DateTime64(0), for times before 1970: timestamp-casts.test.ts; over a table storing DateTime, DateTime). Making it
 * DateTime64(6) (fractions of a second kept, as on Postgres/Snowflake) was tried and reverted: an incremental table
 * built before — by dbt-clickhouse, or an older tsdbt — stores DateTime, and the usual filter
 * `where ts > (select max(ts) from {{ this }})` compared 10:00:00.5 with the stored 10:00:00 and appended the same row
 * again on every run.
 */
const MODEL = (ts: string) => `{{ config(materialized='incremental') }}
select 1 as id, ${ts} as ts
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}
`;

describe('an incremental model filtering on a timestamp cast, over a table that stores whole seconds', () => {
  it('appends no row again on later runs', async () => {
    const p = dbtProject({ models: { 'events.sql': MODEL(`toDateTime('2024-01-01 10:00:00')`) } });
    await p.dbt(['run']);
    p.write({ 'models/events.sql': MODEL(`cast('2024-01-01 10:00:00.5' as timestamp)`) });
    await p.dbt(['run']);
    await p.dbt(['run']);
    expect(await p.query('select id, toString(ts) as at, toTypeName(ts) as t from {schema}.events')).toEqual([
      { id: 1, at: '2024-01-01 10:00:00', t: 'DateTime' },
    ]);
  });
});
