import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/segment (integration_tests, run unmodified: docs/public-projects.md) that
 * failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-labs/segment constructs', () => {
  it('runs last_value(x ignore nulls) over (…): the null treatment written inside the call (a SYNTAX_ERROR on ClickHouse)', async () => {
    // As segment_web_user_stitching: `last_value(user_id {% if target.type != "postgres" %} ignore nulls {% endif %}) over (…)`.
    const { p: ip, project: p } = setup({
      'seeds/page_views.csv': 'anonymous_id,user_id,tstamp\na1,,2024-01-01 10:00:00\na1,u1,2024-01-01 10:05:00\na1,,2024-01-01 10:09:00\na2,,2024-01-01 11:00:00\n',
      'models/user_stitching.sql': `{{ config(materialized='table') }}
with events as (select * from {{ ref('page_views') }}),
mapping as (
    select distinct
        anonymous_id,
        last_value(user_id {% if target.type != "postgres" -%} ignore nulls {%- endif -%}) over (
            partition by anonymous_id
            order by tstamp
            rows between unbounded preceding and unbounded following
        ) as user_id,
        first_value(user_id respect nulls) over (
            partition by anonymous_id
            order by tstamp
            rows between unbounded preceding and unbounded following
        ) as first_user_id,
        min(tstamp) over (partition by anonymous_id) as first_seen_at
    from events
)
select * from mapping`,
    });
    expectStatuses(await p.build(), { page_views: 'success', user_stitching: 'success' });
    expect(await queryRows(p, `select anonymous_id, user_id, first_user_id from ${ip.schema}.user_stitching order by anonymous_id`)).toEqual([
      { anonymous_id: 'a1', user_id: 'u1', first_user_id: null },
      { anonymous_id: 'a2', user_id: null, first_user_id: null },
    ]);
  });
});
