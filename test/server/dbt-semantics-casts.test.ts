import { describe, expect, it } from 'vitest';
import { expectStatuses, queryRows } from '../helpers/inline-project.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * dbt_semantics (default on) runs `cast(x as date)` as Date32 and `x::timestamp` as DateTime64(0) (float-casts.ts): types
 * an 18.16 server lacks (Date32 came in 21.9, DateTime64 in 20.1). There they stay ClickHouse's Date and DateTime, as
 * the server's capability probe (adapter/capabilities.ts) says — the model builds, with 1970..2105's dates.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: dbt_semantics casts on a server without Date32 / DateTime64 / Decimal256', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  it("cast(x as date), cast(x as timestamp) and date(x) run as the server's Date / DateTime (18.16 has no x::T either way)", async () => {
    const { p, project } = setup({
      'models/dates.sql': `{{ config(materialized='table') }}
select cast('2001-05-06' as date) as d, cast('2001-05-07' as date) as d2, date('2001-05-08') as d3,
  cast('2001-05-06 07:08:09' as timestamp) as ts, cast('2001-05-06 07:08:10' AS TIMESTAMP) as ts2`,
      'models/as_view.sql': `select cast(d as date) as d, cast(ts as timestamp) as ts from {{ ref('dates') }}`,
    });
    expectStatuses(await project.run(), { dates: 'success', as_view: 'success' });
    expect(
      await queryRows(project, `SELECT toTypeName(d) AS td, toString(d) AS sd, toString(d2) AS sd2, toString(d3) AS sd3, toTypeName(ts) AS tts, toString(ts) AS sts, toString(ts2) AS sts2 FROM ${p.schema}.dates`),
    ).toEqual([{ td: 'Date', sd: '2001-05-06', sd2: '2001-05-07', sd3: '2001-05-08', tts: 'DateTime', sts: '2001-05-06 07:08:09', sts2: '2001-05-06 07:08:10' }]);
    expect(await queryRows(project, `SELECT toString(d) AS sd, toString(ts) AS sts FROM ${p.schema}.as_view`)).toEqual([{ sd: '2001-05-06', sts: '2001-05-06 07:08:09' }]);
  });

  // numeric without precision is Decimal(76, 10) on a modern server (float-casts.ts), a type 18.16 lacks (and it has no NUMERIC
  // name at all): Decimal(38, 10) there, the same scale. round()'s tie away from zero (round-half-away.ts) writes sign() and a
  // CAST to a computed type, which 18.16 lacks too: its own round() there (server-features.ts).
  it('cast(x as numeric) runs as Decimal(38, 10) and round() as the server rounds', async () => {
    const { p, project } = setup({
      'models/amounts.sql': `{{ config(materialized='table') }}
select cast(1.5 as numeric) as n, cast(7 as decimal) / 4 as q, cast(amount as numeric) * 2 as doubled, round(amount, 1) as r, round(cast(2.25 as numeric), 1) as rd, round(7) as ri
from (select 12.34 as amount)`,
    });
    expectStatuses(await project.run(), { amounts: 'success' });
    expect(
      await queryRows(project, `SELECT toTypeName(n) AS tn, toString(n) AS sn, toString(q) AS sq, toString(doubled) AS sdoubled, toString(r) AS sr, toString(rd) AS srd, toString(ri) AS sri FROM ${p.schema}.amounts`),
    ).toEqual([{ tn: 'Decimal(38, 10)', sn: '1.5000000000', sq: '1.7500000000', sdoubled: '24.6800000000', sr: '12.3', srd: '2.3000000000', sri: '7' }]);
  });

  it("a seed's column_types numeric / date / timestamp load as that server's Decimal(38, 10) / Date / DateTime", async () => {
    const { p, project } = setup({
      'seeds/amounts.csv': 'a,d,ts\n0.29,2001-05-06,2001-05-06 07:08:09\n',
      'seeds/amounts.yml': 'version: 2\nseeds:\n  - name: amounts\n    config:\n      column_types: {a: numeric, d: date, ts: timestamp}\n',
    });
    expectStatuses(await project.seed(), { amounts: 'success' });
    expect(await queryRows(project, `SELECT toTypeName(a) AS ta, toString(a) AS sa, toTypeName(d) AS td, toTypeName(ts) AS tts FROM ${p.schema}.amounts`)).toEqual([
      { ta: 'Decimal(38, 10)', sa: '0.2900000000', td: 'Date', tts: 'DateTime' },
    ]);
  });
});
