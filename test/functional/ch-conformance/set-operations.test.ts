import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * SQL's plain UNION / EXCEPT / INTERSECT drop duplicates on every warehouse dbt runs on. ClickHouse
 * refuses a plain UNION (union_default_mode is empty) and keeps duplicates in a plain EXCEPT or
 * INTERSECT (their modes are ALL). Under dbt_semantics the node runs with the mode DISTINCT
 * (execute/dbt-semantics/set-operation-modes.ts).
 */
describe('plain UNION / EXCEPT / INTERSECT are DISTINCT, as in SQL (dbt_semantics)', () => {
  it('a UNION runs and drops duplicates; EXCEPT and INTERSECT return each row once; a view reads the same downstream', async () => {
    const p = dbtProject({
      models: {
        'unioned.sql': `{{ config(materialized='view') }}
select 1 as id union select 1 union select 2`,
        'excepted.sql': `{{ config(materialized='table') }}
select arrayJoin([1, 1, 2, 3]) as id
except
select 2`,
        'intersected.sql': `{{ config(materialized='table') }}
select arrayJoin([1, 1, 2, 3]) as id intersect select arrayJoin([1, 1, 3])`,
        'kept_all.sql': `{{ config(materialized='table') }}
select arrayJoin([1, 1, 2]) as id union all select 1 except all select 2`,
        'clickhouse_own.sql': `{{ config(materialized='table', dbt_semantics=false) }}
select arrayJoin([1, 1, 2, 3]) as id except select 2`,
        'schema.yml': `models:
  - name: unioned
    columns:
      - name: id
        data_tests: [unique]
`,
      },
    });
    const build = await p.dbt(['build']);
    expect(build.results.map((r) => r.status).sort()).toEqual(['pass', 'success', 'success', 'success', 'success', 'success']);
    expect(await p.query(`select id from {schema}.unioned order by id`)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await p.query(`select id from {schema}.excepted order by id`)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await p.query(`select id from {schema}.intersected order by id`)).toEqual([{ id: 1 }, { id: 3 }]);
    // written ALL stays ALL; dbt_semantics: false keeps ClickHouse's answer
    expect(await p.query(`select id from {schema}.kept_all order by id`)).toEqual([{ id: 1 }, { id: 1 }, { id: 1 }]);
    expect(await p.query(`select id from {schema}.clickhouse_own order by id`)).toEqual([{ id: 1 }, { id: 1 }, { id: 3 }]);
  });

  it('tsdbt validate checks a model as a run runs it: a plain UNION validates clean', async () => {
    const p = dbtProject({ models: { 'u.sql': `select 1 as id union select 2` } });
    const clean = await p.dbt(['validate']);
    expect(clean.code).toBe(0);
  });
});

/*
 * A trailing ORDER BY / LIMIT after a top-level UNION limits the whole union on Postgres, Snowflake, BigQuery,
 * Redshift and DuckDB; ClickHouse binds it to the last branch (execute/dbt-semantics/union-limit.ts).
 */
describe('LIMIT after a UNION limits the whole union (dbt_semantics)', () => {
  it('a table and a view of `… union all … order by … limit n` hold n rows; dbt_semantics: false keeps ClickHouse\'s', async () => {
    const body = `select 3 as n, 'c' as s union all select 1, 'a' union all select 2 as m, 'b' order by n limit 2`;
    const p = dbtProject({
      models: {
        'top_table.sql': `{{ config(materialized='table') }}\n${body}`,
        'top_view.sql': `{{ config(materialized='view') }}\n${body}`,
        // ClickHouse's: the last branch alone ordered and limited (its own `n` unknown there: by position).
        'clickhouse_own.sql': `{{ config(materialized='table', dbt_semantics=false) }}\n${body.replace('order by n', 'order by 1')}`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    for (const m of ['top_table', 'top_view']) expect(await p.query(`select n, s from {schema}.${m} order by n`)).toEqual([{ n: 1, s: 'a' }, { n: 2, s: 'b' }]);
    expect(await p.query(`select count() as c from {schema}.clickhouse_own`)).toEqual([{ c: '3' }]);
  });
});

/*
 * EXISTS over a UNION whose branches read the outer query: ClickHouse 26.7 cannot decorrelate it (a DISTINCT
 * step, or UNION ALL branches naming columns differently); dbt's warehouses run it (execute/dbt-semantics/exists-unions.ts).
 */
describe('a correlated EXISTS over a UNION runs with the warehouse answer (dbt_semantics)', () => {
  it('EXISTS / NOT EXISTS over UNION, UNION DISTINCT and UNION ALL in a table, a view and a test', async () => {
    const p = dbtProject({
      models: {
        'customers.sql': `{{ config(materialized='table') }}\nselect toUInt64(number) as id from numbers(5)`,
        'orders.sql': `{{ config(materialized='table') }}\nselect toUInt64(arrayJoin([1, 1, 3])) as customer_id`,
        'returns.sql': `{{ config(materialized='table') }}\nselect toUInt64(arrayJoin([2, 3])) as customer_id`,
        'active.sql': `{{ config(materialized='table') }}
select c.id from {{ ref('customers') }} c
where exists (select o.customer_id as k from {{ ref('orders') }} o where o.customer_id = c.id
              union select r.customer_id from {{ ref('returns') }} r where r.customer_id = c.id)`,
        'inactive.sql': `{{ config(materialized='view') }}
select c.id, exists (select 1 from {{ ref('orders') }} o where o.customer_id = c.id union all select 1 from {{ ref('returns') }} r where r.customer_id = c.id) as seen
from {{ ref('customers') }} c
where not exists (select o.customer_id as k from {{ ref('orders') }} o where o.customer_id = c.id
                  union distinct select r.customer_id from {{ ref('returns') }} r where r.customer_id = c.id)`,
      },
      tests: {
        'active_are_active.sql': `select c.id from {{ ref('active') }} c
where not exists (select 1 from {{ ref('orders') }} o where o.customer_id = c.id union select 1 from {{ ref('returns') }} r where r.customer_id = c.id)`,
      },
    });
    const build = await p.dbt(['build']);
    expect(build.results.map((r) => `${r.unique_id.split('.').at(-1)}:${r.status}`).sort()).toEqual([
      'active:success', 'active_are_active:pass', 'customers:success', 'inactive:success', 'orders:success', 'returns:success',
    ]);
    expect(await p.query(`select id from {schema}.active order by id`)).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(await p.query(`select id, seen from {schema}.inactive order by id`)).toEqual([{ id: '0', seen: 0 }, { id: '4', seen: 0 }]);
  });
});
