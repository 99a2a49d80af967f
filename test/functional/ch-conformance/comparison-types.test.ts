import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's common types for comparisons and join keys (execute/dbt-semantics/comparison-types.ts). Postgres, Snowflake,
 * BigQuery… join a bigint id with a row_number(), an integer with a double, and compare a date with a date written as
 * text; ClickHouse refuses them (no common type for a join's keys, no `equals` of a DateTime64 and a String column).
 * Under dbt_semantics (default on) tsdbt casts both sides to dbt's supertype; `dbt_semantics: false` keeps ClickHouse's error.
 */
const INPUTS = {
  'ids.sql': `select toInt64(number + 1) as id, toDate('2024-01-01') + number as day, toFloat64(number + 1) as amount from numbers(3)`,
  'ranked.sql': `select row_number() over (order by name) as n, name, concat('2024-01-0', toString(row_number() over (order by name))) as day_text from (select arrayJoin(['a', 'b', 'c', 'd']) as name)`,
};

describe("dbt's common types for comparisons and join keys (dbt_semantics)", () => {
  it('a table joining an Int64 id to a UInt64 row_number(), an Int64 to a Float64 and a Date to a date written as text gets every match', async () => {
    const p = dbtProject({
      models: {
        ...INPUTS,
        'joined.sql': `{{ config(materialized='table') }}
select i.id, r.name, f.amount, t.name as by_day
from {{ ref('ids') }} i
join {{ ref('ranked') }} r on i.id = r.n
left join {{ ref('ids') }} f on i.id = f.amount
left join {{ ref('ranked') }} t on i.day = t.day_text
order by i.id`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(await p.query('select toInt32(id) as id, name, amount, by_day from {schema}.joined order by id')).toEqual([
      { id: 1, name: 'a', amount: 1, by_day: 'a' },
      { id: 2, name: 'b', amount: 2, by_day: 'b' },
      { id: 3, name: 'c', amount: 3, by_day: 'c' },
    ]);
  });

  it("a view whose join keys have no ClickHouse common type is readable (ClickHouse plans a view's joins only when it is read)", async () => {
    const p = dbtProject({
      models: {
        ...INPUTS,
        'by_day.sql': `select i.id, r.name from {{ ref('ids') }} i left join {{ ref('ranked') }} r on i.day = r.day_text`,
      },
      tests: { 'all_matched.sql': `select * from {{ ref('by_day') }} where name = ''` },
    });
    const build = await p.dbt(['build']);
    expect(build.results.map((r) => r.status).sort()).toEqual(['pass', 'success', 'success', 'success']);
    expect(await p.query('select toInt32(id) as id, name from {schema}.by_day order by id')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
  });

  it("a WHERE comparing a Date column with a text column reads the text as the date, in a table and a view; an Int64 = UInt64 WHERE is left as ClickHouse compares it", async () => {
    const p = dbtProject({
      models: {
        ...INPUTS,
        'same_day.sql': `{{ config(materialized='table') }}
select i.id from {{ ref('ids') }} i, {{ ref('ranked') }} r where i.day = r.day_text and i.id = r.n order by i.id`,
        'later.sql': `select i.id, r.name from {{ ref('ids') }} i cross join {{ ref('ranked') }} r where i.day < r.day_text and r.n <= 2`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select toInt32(id) as id from {schema}.same_day order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await p.query('select toInt32(id) as id, name from {schema}.later order by id, name')).toEqual([{ id: 1, name: 'b' }]);
  });

  it('JOIN … USING a key of two types (an Int64 and a UInt64 row_number(), a Date and a date as text) joins, in a table and a view', async () => {
    const p = dbtProject({
      models: {
        ...INPUTS,
        'using_ids.sql': `{{ config(materialized='table') }}
select k, i.amount, r.name
from (select id as k, amount from {{ ref('ids') }}) i
left join (select n as k, name from {{ ref('ranked') }}) as r using (k)
order by k`,
        'using_days.sql': `select day, r.name from {{ ref('ids') }} left join (select day_text as day, name from {{ ref('ranked') }}) r using (day)`,
        'ranked_first.sql': `{{ config(materialized='table') }}
select k, r.name from (select n as k, name from {{ ref('ranked') }}) r join (select id as k from {{ ref('ids') }}) as i using (k) order by k`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success']);
    expect(await p.query('select toTypeName(k) as t, toInt32(k) as id, amount, name from {schema}.using_ids order by id')).toEqual([
      { t: 'Int64', id: 1, amount: 1, name: 'a' },
      { t: 'Int64', id: 2, amount: 2, name: 'b' },
      { t: 'Int64', id: 3, amount: 3, name: 'c' },
    ]);
    expect(await p.query('select toString(day) as day, name from {schema}.using_days order by day')).toEqual([
      { day: '2024-01-01', name: 'a' },
      { day: '2024-01-02', name: 'b' },
      { day: '2024-01-03', name: 'c' },
    ]);
    expect(await p.query('select toInt32(k) as k, name from {schema}.ranked_first order by k')).toEqual([
      { k: 1, name: 'a' },
      { k: 2, name: 'b' },
      { k: 3, name: 'c' },
    ]);
  });

  it("dbt_semantics: false keeps ClickHouse's refusal", async () => {
    const p = dbtProject({
      models: {
        ...INPUTS,
        'joined.sql': `{{ config(materialized='table', dbt_semantics=false) }}
select i.id, r.name from {{ ref('ids') }} i join {{ ref('ranked') }} r on i.id = r.n`,
      },
    });
    const run = await p.dbt(['run', '--select', 'joined+', 'ids', 'ranked'], { expectPass: false });
    expect(run.results.find((r) => r.unique_id === 'model.test.joined')?.message).toMatch(/386|supertype/);
  });
});
