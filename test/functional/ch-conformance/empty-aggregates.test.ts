import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * SQL's aggregates over no rows are NULL (count() is 0); ClickHouse gives 0, 1970-01-01 or nan.
 * Under dbt_semantics a SELECT without GROUP BY uses -OrNull (execute/dbt-semantics/empty-aggregates.ts).
 */
describe('aggregates over no rows are NULL, as in SQL (dbt_semantics)', () => {
  it('max / avg / sum of nothing are NULL in a model and in a test; count is 0; a scalar subquery too', async () => {
    const p = dbtProject({
      models: {
        'src.sql': `select toInt64(number) as x, toDate('2024-01-01') + number as ts from numbers(3)`,
        'summary.sql': `{{ config(materialized='table') }}
select max(ts) as latest, avg(x) as mean, sum(x) as total, count(*) as n
from {{ ref('src') }} where x > 100`,
        'newer.sql': `{{ config(materialized='table') }}
select x from {{ ref('src') }}
where ts > (select max(ts) from {{ ref('src') }} where x > 100)`,
        'grouped.sql': `{{ config(materialized='table') }}
select x % 2 as k, max(x) as top, avg(x) filter (where x > 1) as mean_big, sum(x) filter (where x > 1) as sum_big
from {{ ref('src') }} group by k`,
      },
      tests: {
        'no_max_when_empty.sql': `select * from (select max(x) as m from {{ ref('src') }} where x > 100) where m is not null`,
      },
    });
    const build = await p.dbt(['build']);
    expect(build.results.map((r) => r.status).sort()).toEqual(['pass', 'success', 'success', 'success', 'success']);
    expect(await p.query(`select latest, mean, total, n from {schema}.summary`)).toEqual([{ latest: null, mean: null, total: null, n: '0' }]);
    // NULL compares to nothing: no row is newer than the max of nothing (ClickHouse's 1970-01-01 let every row through)
    expect(await p.query(`select count() as c from {schema}.newer`)).toEqual([{ c: '0' }]);
    // a group has rows (max keeps its type); a FILTER none of a group's rows pass gives NULL (ClickHouse: nan, 0)
    expect(await p.query(`select k, top, toTypeName(top) t, mean_big, sum_big from {schema}.grouped order by k`)).toEqual([
      { k: 0, top: '2', t: 'Int64', mean_big: 2, sum_big: '2' },
      { k: 1, top: '1', t: 'Int64', mean_big: null, sum_big: null },
    ]);
  });

  it('a correlated scalar subquery counting is 0 where no row matches (ClickHouse 26.7 decorrelates it into NULL); dbt_semantics off keeps NULL', async () => {
    const model = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select c.id,
  (select count(*) from {{ ref('orders') }} o where o.customer_id = c.id) as n_orders,
  (select countIf(o.amount > 5) as big from {{ ref('orders') }} o where o.customer_id = c.id) as n_big,
  (select sum(o.amount) from {{ ref('orders') }} o where o.customer_id = c.id) as total
from (select toUInt64(number) as id from numbers(3)) as c
where (select count(*) from {{ ref('orders') }} o where o.customer_id = c.id) < 2`;
    const p = dbtProject({
      models: {
        'orders.sql': `{{ config(materialized='table') }}\nselect toUInt64(1) as customer_id, 10 as amount`,
        'counts.sql': model(''),
        'counts_ch.sql': model(', dbt_semantics=false'),
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select id, n_orders, n_big, total from {schema}.counts order by id')).toEqual([
      { id: '0', n_orders: '0', n_big: '0', total: null },
      { id: '1', n_orders: '1', n_big: '1', total: '10' },
      { id: '2', n_orders: '0', n_big: '0', total: null },
    ]);
    // ClickHouse's own answer: NULL counts, and the WHERE (NULL < 2) drops the customers without orders.
    expect(await p.query('select id, n_orders from {schema}.counts_ch order by id')).toEqual([{ id: '1', n_orders: '1' }]);
    // The columns keep the type ClickHouse gives the subquery as written (Nullable): a stored table's type does not change.
    const types = (t: string) => p.query(`select name, type from system.columns where database = '{schema}' and table = '${t}' and name like 'n_%' order by name`);
    expect(await types('counts')).toEqual(await types('counts_ch'));
  });
});
