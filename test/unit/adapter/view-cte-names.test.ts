import { describe, expect, it } from 'vitest';
import { viewQueryWithCtesApart } from '../../../packages/core/src/adapter/view-cte-names.js';

describe('viewQueryWithCtesApart', () => {
  it('renames a CTE read as a table, aliased back to its name (mrr-playbook customer_churn_month)', () => {
    const sql = `with mrr as (
    select * from default.customer_revenue_by_month
),
joined as (
    select date_month, 0::float as mrr, mrr.customer_id from mrr where is_last_month
)
select * from joined`;
    expect(viewQueryWithCtesApart(sql)).toBe(`with mrr__tsdbt_cte as (
    select * from default.customer_revenue_by_month
),
joined__tsdbt_cte as (
    select date_month, 0::float as mrr, mrr.customer_id from mrr__tsdbt_cte AS mrr where is_last_month
)
select * from joined__tsdbt_cte AS joined`);
  });

  it('keeps an alias written, renames joins, IN and quoted names', () => {
    const sql = 'WITH `a b` AS (SELECT 1 AS x), "c" AS (SELECT 2 AS x), d AS (SELECT 3 AS x) '
      + 'SELECT * FROM `a b` AS t JOIN "c" c2 ON t.x = c2.x LEFT JOIN d USING (x) WHERE x IN d';
    expect(viewQueryWithCtesApart(sql)).toBe(
      'WITH `a b__tsdbt_cte` AS (SELECT 1 AS x), "c__tsdbt_cte" AS (SELECT 2 AS x), d__tsdbt_cte AS (SELECT 3 AS x) '
        + 'SELECT * FROM `a b__tsdbt_cte` AS t JOIN "c__tsdbt_cte" c2 ON t.x = c2.x LEFT JOIN d__tsdbt_cte AS d USING (x) WHERE x IN d__tsdbt_cte',
    );
  });

  it('leaves qualified relations, columns, table functions, strings, comments, ARRAY JOIN and extract(… from …) alone', () => {
    const sql = `with d as (select [1] as arr, now() as t)
select extract(day from t) as day, 'from d' as s -- from d
from default.d, d
array join arr
where arr in (select x from numbers(1) as d)`;
    expect(viewQueryWithCtesApart(sql)).toBe(`with d__tsdbt_cte as (select [1] as arr, now() as t)
select extract(day from t) as day, 'from d' as s -- from d
from default.d, d__tsdbt_cte AS d
array join arr
where arr in (select x from numbers(1) as d)`);
  });

  it('renames a nested WITH inside its own scope only; a name read outside it is the relation', () => {
    const sql = 'select * from (with o as (select 1 as x) select * from o) as s join o on s.x = o.x';
    expect(viewQueryWithCtesApart(sql)).toBe('select * from (with o__tsdbt_cte as (select 1 as x) select * from o__tsdbt_cte AS o) as s join o on s.x = o.x');
  });

  it('leaves a query without CTEs read as tables, or reading only dbt\'s inlined ephemeral models, as written', () => {
    for (const sql of ['select 1', 'with __dbt__cte__base as (select 1) select * from __dbt__cte__base', 'with 1 as x select x', 'with a as (select 1) select 2', 'select count() over w from t window w as (partition by k)'])
      expect(viewQueryWithCtesApart(sql)).toBe(sql);
  });
});
