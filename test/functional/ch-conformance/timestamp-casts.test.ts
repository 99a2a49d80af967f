import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * SQL's timestamp keeps microseconds and spans centuries (Postgres, Redshift, DuckDB, BigQuery, Snowflake); ClickHouse's
 * TIMESTAMP is DateTime: whole seconds from 1970 to 2106 — cast('1960-05-01 10:00:00.123' as timestamp) is
 * 1970-01-01 00:00:00 and a Date32 of 1955 wraps to 2091. Under dbt_semantics a model's `timestamp` cast or literal is
 * DateTime64(6) (execute/dbt-semantics/float-casts.ts); `dbt_semantics: false` keeps ClickHouse's answer.
 */
const MODEL = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select
  cast('1960-05-01 10:00:00.123' as timestamp) as before_1970,
  cast(toDate32('1955-01-01') as timestamp) as date_1955,
  '2024-03-01 08:00:00.250'::timestamp as with_ms,
  timestamp '2024-03-01 08:00:00.5' as literal_half,
  (select count(distinct at::timestamp) from (select arrayJoin(['2024-03-01 08:00:00.010', '2024-03-01 08:00:00.025']) as at)) as distinct_events
`;

describe('timestamp casts keep fractions of a second and dates before 1970 (dbt_semantics)', () => {
  it("a cast or literal timestamp is SQL's: microseconds, 1955 and 1960 as written; dbt_semantics: false keeps ClickHouse's DateTime", async () => {
    const p = dbtProject({ models: { 'stamps.sql': MODEL(''), 'stamps_ch.sql': MODEL(', dbt_semantics=false') } });
    await p.dbt(['run']);
    const cols = 'toString(before_1970) a, toString(date_1955) b, toString(with_ms) c, toString(literal_half) d, distinct_events n, toTypeName(with_ms) t';
    expect(await p.query(`select ${cols} from {schema}.stamps`)).toEqual([
      { a: '1960-05-01 10:00:00.123000', b: '1955-01-01 00:00:00.000000', c: '2024-03-01 08:00:00.250000', d: '2024-03-01 08:00:00.500000', n: '2', t: 'DateTime64(6)' },
    ]);
    expect(await p.query(`select ${cols} from {schema}.stamps_ch`)).toEqual([
      { a: '1970-01-01 00:00:00', b: '2091-02-06 06:28:16', c: '2024-03-01 08:00:00', d: '2024-03-01 08:00:00', n: '1', t: 'DateTime' },
    ]);
  });
});
