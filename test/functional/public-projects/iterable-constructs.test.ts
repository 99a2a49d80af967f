import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_iterable (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran/dbt_iterable constructs', () => {
  it("SQL's column-over-alias precedence in a SELECT written by a loop over the warehouse's columns (ILLEGAL_AGGREGATION before)", async () => {
    // As int_iterable__campaign_event_metrics: `sum(c) as c, count(distinct case when c > 0 …) as unique_c`
    // for each column adapter.get_columns_in_relation() finds: at load the loop writes nothing.
    const { p: ip, project: p } = setup({
      'seeds/user_campaign.csv': 'campaign_id,user_email,total_emailclick,total_emailopen\n1,a,2,0\n1,b,0,1\n1,c,3,4\n2,a,0,0\n',
      'models/campaign_metrics.sql': `{{ config(materialized='table') }}
{%- set cols = adapter.get_columns_in_relation(ref('user_campaign')) %}
select
    campaign_id
    , count(distinct user_email) as count_unique_users
    {% for col in cols if col.name|lower not in ['campaign_id', 'user_email'] %}
    , sum({{ col.name }}) as {{ col.name }}
    , count(distinct case when {{ col.name }} > 0 then user_email else null end) as unique_{{ col.name }}
    {% endfor %}
from {{ ref('user_campaign') }}
group by 1
order by count_unique_users desc, campaign_id`,
    });
    expectStatuses(await p.build(), { user_campaign: 'success', campaign_metrics: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.campaign_metrics order by campaign_id`)).toEqual([
      { campaign_id: 1, count_unique_users: '3', total_emailclick: '5', unique_total_emailclick: '2', total_emailopen: '5', unique_total_emailopen: '2' },
      { campaign_id: 2, count_unique_users: '1', total_emailclick: '0', unique_total_emailclick: '0', total_emailopen: '0', unique_total_emailopen: '0' },
    ]);
  });
});
