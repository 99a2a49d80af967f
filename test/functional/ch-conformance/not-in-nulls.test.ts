import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * SQL's NOT IN is three-valued: `x NOT IN (subquery)` is never true when the subquery holds a NULL,
 * and anything (NULL too) is NOT IN an empty subquery. ClickHouse skips the NULL (and gives NULL for
 * a NULL x against nothing). Under dbt_semantics tsdbt gives Postgres' answer
 * (execute/dbt-semantics/not-in-nulls.ts); `dbt_semantics: false` keeps ClickHouse's.
 */
const CUSTOMERS = `select toInt64(number + 1) as id from numbers(3) union all select CAST(NULL, 'Nullable(Int64)')`;
const ORDERS = `select CAST(if(number = 0, NULL, number), 'Nullable(Int64)') as customer_id from numbers(2)`;

describe('NOT IN with NULLs, as in SQL (dbt_semantics)', () => {
  it('a NULL in the subquery leaves no row; without one the others pass; an empty subquery passes every row', async () => {
    const anti = (where: string, semantics = '') => `{{ config(materialized='table'${semantics}) }}
select id from {{ ref('customers') }} where id not in (select customer_id from {{ ref('orders') }}${where})`;
    const p = dbtProject({
      models: {
        'customers.sql': CUSTOMERS,
        'orders.sql': ORDERS,
        'with_null.sql': anti(''),
        'without_null.sql': anti(' where customer_id is not null'),
        'prefix_not.sql': `select id from {{ ref('customers') }} where not id in (select customer_id from {{ ref('orders') }})`,
        'empty.sql': anti(' where customer_id > 100'),
        'ch_with_null.sql': anti('', ', dbt_semantics=false'),
        'flags.sql': `select id, id not in (select customer_id from {{ ref('orders') }}) as f, id not in (2, NULL) as g from {{ ref('customers') }}`,
      },
      tests: {
        // a singular test written as an anti-join passes when the subquery has a NULL: no row can be "not in" it
        'every_order_customer_known.sql': `select id from {{ ref('customers') }} where id is not null and id not in (select customer_id from {{ ref('orders') }})`,
      },
    });
    const build = await p.dbt(['build']);
    expect(build.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
    expect(await p.query(`select id from {schema}.with_null order by id`)).toEqual([]);
    expect(await p.query(`select id from {schema}.prefix_not order by id`)).toEqual([]); // NOT x IN (…): the same test
    expect(await p.query(`select id from {schema}.without_null order by id`)).toEqual([{ id: '2' }, { id: '3' }]);
    // anything is NOT IN nothing, NULL included
    expect(await p.query(`select id from {schema}.empty order by id`)).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }, { id: null }]);
    expect(await p.query(`select id, f, g from {schema}.flags order by id`)).toEqual([
      { id: '1', f: 0, g: null },
      { id: '2', f: null, g: 0 },
      { id: '3', f: null, g: null },
      { id: null, f: null, g: null },
    ]);
    // ClickHouse's own answer: the NULL is skipped
    expect(await p.query(`select id from {schema}.ch_with_null order by id`)).toEqual([{ id: '2' }, { id: '3' }]);
  });
});

/*
 * `x IN (subquery reading the outer query)`: ClickHouse 26.7 refuses it (NOT_IMPLEMENTED "Correlated subqueries are
 * not supported as IN function arguments yet"); under dbt_semantics it runs as an EXISTS (execute/dbt-semantics/correlated-in.ts).
 */
describe('a correlated IN (SELECT …) runs, as on dbt\'s warehouses (dbt_semantics)', () => {
  it('in a WHERE of a table and a view, an inner join\'s ON and a test; dbt_semantics: false keeps ClickHouse\'s refusal', async () => {
    const model = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select c.id from {{ ref('customers') }} c
where c.id in (select o.customer_id from {{ ref('orders') }} o where o.region = c.region)`;
    const p = dbtProject({
      models: {
        'customers.sql': `{{ config(materialized='table') }}\nselect toUInt64(number) as id, if(number < 3, 'eu', 'us') as region from numbers(5)`,
        'orders.sql': `{{ config(materialized='table') }}\nselect toUInt64(arrayJoin([1, 2, 3, 4])) as customer_id, arrayJoin(['eu']) as region`,
        'local_buyers.sql': model(''),
        'local_buyers_view.sql': model('').replace("materialized='table'", "materialized='view'"),
        'joined.sql': `{{ config(materialized='table') }}
select c.id, o.customer_id from {{ ref('customers') }} c
join {{ ref('orders') }} o on o.customer_id = c.id and o.customer_id in (select c2.id from {{ ref('customers') }} c2 where c2.region = o.region)`,
        'clickhouse_own.sql': model(', dbt_semantics=false'),
        // NOT IN, three-valued: eu customers 0 (no eu order of theirs) kept; us 3 and 4 (no us order: an empty set) kept; a NULL among the values keeps none
        'not_local.sql': `{{ config(materialized='table') }}
select c.id from {{ ref('customers') }} c where c.id not in (select o.customer_id from {{ ref('orders') }} o where o.region = c.region)`,
        'not_local_nulls.sql': `{{ config(materialized='table') }}
select c.id from {{ ref('customers') }} c where c.id not in (select nullIf(o.customer_id, 4) from {{ ref('orders') }} o where o.region = c.region)`,
      },
      tests: {
        'local_buyers_only.sql': `select b.id from {{ ref('local_buyers') }} b where b.id in (select c.id from {{ ref('customers') }} c where c.region <> 'eu' and c.id = b.id)`,
      },
    });
    const build = await p.dbt(['build'], { expectPass: false });
    const status = Object.fromEntries(build.results.map((r) => [r.unique_id.split('.').at(-1), r.status]));
    expect(status).toEqual({ customers: 'success', orders: 'success', local_buyers: 'success', local_buyers_view: 'success', joined: 'success', clickhouse_own: 'error', local_buyers_only: 'pass', not_local: 'success', not_local_nulls: 'success' });
    expect(await p.query(`select id from {schema}.not_local order by id`)).toEqual([{ id: '0' }, { id: '3' }, { id: '4' }]);
    expect(await p.query(`select id from {schema}.not_local_nulls order by id`)).toEqual([{ id: '3' }, { id: '4' }]);
    // customers 1 and 2 are eu with an eu order; 3 and 4 are us (their orders are eu)
    for (const m of ['local_buyers', 'local_buyers_view']) expect(await p.query(`select id from {schema}.${m} order by id`)).toEqual([{ id: '1' }, { id: '2' }]);
    expect(await p.query(`select id from {schema}.joined order by id`)).toEqual([{ id: '1' }, { id: '2' }]);
    expect(build.results.find((r) => r.unique_id.endsWith('clickhouse_own'))!.message).toMatch(/Correlated subqueries are not supported as IN/);
  });
  it("gives SQL's three-valued answer where NULL shows: a selected flag, NOT (x IN …)", async () => {
    // Postgres: 1 IN (1) true, 2 IN (NULL) NULL, NULL IN (5) NULL, NULL IN () false, 7 IN (8) false, NULL IN (0) NULL.
    const ctes = `with t1 as (select k, x from values('k UInt8, x Nullable(Int32)', (1, 1), (2, 2), (3, NULL), (4, NULL), (5, 7), (6, NULL))),
     t2 as (select k, y from values('k UInt8, y Nullable(Int32)', (1, 1), (2, NULL), (3, 5), (5, 8), (6, 0)))`;
    const p = dbtProject({
      models: {
        'flags.sql': `{{ config(materialized='table') }}\n${ctes}\nselect t1.k as k, t1.x in (select y from t2 where t2.k = t1.k) as i, t1.x not in (select y from t2 where t2.k = t1.k) as n from t1`,
        'negated.sql': `{{ config(materialized='table') }}\n${ctes}\nselect t1.k as k from t1 where not (t1.x in (select y from t2 where t2.k = t1.k))`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select k, i, n from {schema}.flags order by k')).toEqual([
      { k: 1, i: 1, n: 0 },
      { k: 2, i: null, n: null },
      { k: 3, i: null, n: null },
      { k: 4, i: 0, n: 1 },
      { k: 5, i: 0, n: 1 },
      { k: 6, i: null, n: null },
    ]);
    expect(await p.query('select k from {schema}.negated order by k')).toEqual([{ k: 4 }, { k: 5 }]);
  });
});
