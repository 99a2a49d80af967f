import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/attribution-playbook (run unmodified: docs/public-projects.md) that failed
 * on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-labs/attribution-playbook constructs', () => {
  it('loads a seed row with fewer values than the header, its missing values NULL (agate pads it); a longer row is refused', async () => {
    // As data/sessions.csv: `10,1170,2020-02-03 14:19:28,2020-02-03 14:20:08,direct,` (6 values, 7 columns).
    const { p: ip, project: p } = setup({
      'seeds/sessions.csv': 'session_id,customer_id,utm_source,utm_medium,utm_campaign\n1,2956,facebook_ads,paid_social,promo\n2,1170,direct,\n3,4\n',
    });
    expectStatuses(await p.seed(), { sessions: 'success' });
    expect(await queryRows(p, `select session_id, utm_source, utm_medium, utm_campaign from ${ip.schema}.sessions order by session_id`)).toEqual([
      { session_id: 1, utm_source: 'facebook_ads', utm_medium: 'paid_social', utm_campaign: 'promo' },
      { session_id: 2, utm_source: 'direct', utm_medium: null, utm_campaign: null },
      { session_id: 3, utm_source: null, utm_medium: null, utm_campaign: null },
    ]);
    ip.write({ 'seeds/sessions.csv': 'session_id,customer_id\n1,2956\n2,1170,direct\n' });
    const r = await ip.open().seed();
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toBe('Seed sessions: line 3 has 3 values, the header has 2');
  });

  it('reads a seed timestamp with a one-digit hour as a timestamp (agate: strptime %H), not text', async () => {
    // As sessions.ended_at / customer_conversions.converted_at: `2020-02-04 0:40:51` among `2020-02-03 12:41:25`.
    const { p: ip, project: p } = setup({
      'seeds/conversions.csv': 'customer_id,converted_at\n1,2020-02-03 14:20:08\n2,2020-02-04 4:30:21\n3,2020-2-5 0:0:7\n',
      'models/recent.sql': "select customer_id from {{ ref('conversions') }} where converted_at >= toDateTime('2020-02-04 00:00:00') + interval -30 day",
    });
    expectStatuses(await p.build(), { conversions: 'success', recent: 'success' });
    expect(await queryRows(p, `select customer_id, toTypeName(converted_at) as t, toString(converted_at) as at from ${ip.schema}.conversions order by customer_id`)).toEqual([
      { customer_id: 1, t: 'DateTime', at: '2020-02-03 14:20:08' },
      { customer_id: 2, t: 'DateTime', at: '2020-02-04 04:30:21' },
      { customer_id: 3, t: 'DateTime', at: '2020-02-05 00:00:07' },
    ]);
    expect(await queryRows(p, `select count() as n from ${ip.schema}.recent`)).toEqual([{ n: '3' }]);
  });
});
