import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_klaviyo (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally: seeds with upper-case headers (`+quote_columns:
 * false`, so Postgres and Snowflake fold them) read by lower-case staging SQL, which
 * `fivetran_utils.fill_staging_columns` writes as `metric_id as metric_id`.
 */
const setup = openedPerTest();

const SEEDS = {
  'seeds/event.csv': 'ID,PERSON_ID,METRIC_ID,_FIVETRAN_DELETED,TYPE\ne1,p1,m1,false,open\ne2,p2,m1,true,click\ne3,p1,m2,false,click\n',
  'seeds/person.csv': 'ID,EMAIL,_FIVETRAN_DELETED\np1,a@x.io,false\np2,b@x.io,false\n',
};

// As stg_klaviyo__event: a `fields` CTE of self-aliased names, a `rename` CTE aliasing them again.
const STG_EVENT = `{{ config(materialized='table') }}
with base as (select * from {{ ref('event') }}),
fields as (
    select
        _fivetran_deleted as _fivetran_deleted,
        id as id,
        metric_id as metric_id,
        person_id as person_id,
        type as type
    from base
),
rename as (
    select
        cast(id as String) as event_id,
        cast(metric_id as String) as metric_id,
        cast(person_id as String) as person_id,
        type
    from fields
    where not coalesce(_fivetran_deleted, false)
)
select * from rename`;

const STG_PERSON = `{{ config(materialized='table') }}
with base as (select * from {{ ref('person') }}),
fields as (select _fivetran_deleted as _fivetran_deleted, email as email, id as id from base),
final as (select cast(id as String) as person_id, email from fields where not coalesce(_fivetran_deleted, false))
select * from final`;

describe('fivetran/dbt_klaviyo constructs', () => {
  it('`x as x` over an upper-case column X builds, and the staging models output the names as written (Postgres/Snowflake read X case-insensitively)', async () => {
    // ClickHouse may offer the alias itself as what was meant ("Maybe you meant: ['metric_id']"): before,
    // the node failed so; and a fold of every spelling made the staging model output `PERSON_ID`, so the
    // join downstream folded `person_id` back and forth for ever.
    const { p: ip, project: p } = setup({
      ...SEEDS,
      'models/stg_event.sql': STG_EVENT,
      'models/stg_person.sql': STG_PERSON,
      'models/events.sql': `{{ config(materialized='table') }}
select e.event_id, e.metric_id, e.type, p.email
from {{ ref('stg_event') }} as e
left join {{ ref('stg_person') }} as p on e.person_id = p.person_id`,
    });
    for (const round of [1, 2]) {
      expectStatuses(await p.build(), { event: 'success', person: 'success', stg_event: 'success', stg_person: 'success', events: 'success' });
      expect(await queryRows(p, `select * from ${ip.schema}.events order by event_id`), `build ${round}`).toEqual([
        { event_id: 'e1', metric_id: 'm1', type: 'open', email: 'a@x.io' },
        { event_id: 'e3', metric_id: 'm2', type: 'click', email: 'a@x.io' },
      ]);
    }
    const columns = await queryRows<{ name: string }>(p, `select name from system.columns where database = '${ip.schema}' and table = 'stg_event' order by position`);
    expect(columns.map((c) => c.name)).toEqual(['event_id', 'metric_id', 'person_id', 'type']);
  });

  it('a qualified name in another case is respelled after its qualifier only (`e.person_id` is PERSON_ID, `p.ID` is id)', async () => {
    // A fold of every spelling of `ID` would turn `e.ID` into `e.id` as it fixes `p.ID`, and back.
    const { p: ip, project: p } = setup({
      'seeds/event.csv': SEEDS['seeds/event.csv'],
      'seeds/person_lower.csv': 'id,email\np1,a@x.io\np2,b@x.io\n',
      'models/joined.sql': `{{ config(materialized='table') }}
select e.ID as event_id, p.EMAIL as email
from {{ ref('event') }} as e
join {{ ref('person_lower') }} as p on e.person_id = p.ID`,
    });
    expectStatuses(await p.build(), { event: 'success', person_lower: 'success', joined: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.joined order by event_id`)).toEqual([
      { event_id: 'e1', email: 'a@x.io' },
      { event_id: 'e2', email: 'b@x.io' },
      { event_id: 'e3', email: 'a@x.io' },
    ]);
  }, 120_000);
});
