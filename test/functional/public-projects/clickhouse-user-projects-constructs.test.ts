import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of public dbt-clickhouse projects (run unmodified over hand-made sources:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-clickhouse user projects: constructs', () => {
  it("order_by / partition_by / primary_key written as one string of several expressions are tuples, as dbt-clickhouse writes them (rsolanov/otus_clickhouse_dbt: order_by ='category_id, product_id')", async () => {
    const { p: ip, project: p } = setup({
      'models/products.sql': `{{ config(materialized='table', engine='MergeTree', order_by='category_id, product_id', partition_by='toYYYYMM(d), region') }}
select toInt32(number % 3) as category_id, toInt32(number) as product_id, toDate('2024-01-01') + number * 40 as d, 'eu' as region from numbers(5)`,
      'models/keyed.sql': `{{ config(materialized='table', primary_key='a, b') }}
select 1 as a, 'x' as b, 2 as c`,
      'models/hashed.sql': `{{ config(materialized='table', order_by='cityHash64(a, b)') }}
select 1 as a, 'x' as b`,
      'models/inc.sql': `{{ config(materialized='incremental', order_by='k, v', unique_key='k', partition_by='k % 2, v') }}
select toInt32(number) as k, 'v' || toString(number) as v from numbers({% if is_incremental() %}4{% else %}2{% endif %})`,
    });
    expectStatuses(await p.build(), { products: 'success', keyed: 'success', hashed: 'success', inc: 'success' });
    expectStatuses(await p.build(), { products: 'success', keyed: 'success', hashed: 'success', inc: 'success' });
    expect(await queryRows(p, `select name, sorting_key, partition_key, primary_key from system.tables where database = '${ip.schema}' order by name`)).toEqual([
      { name: 'hashed', sorting_key: 'cityHash64(a, b)', partition_key: '', primary_key: 'cityHash64(a, b)' },
      { name: 'inc', sorting_key: 'k, v', partition_key: '(k % 2, v)', primary_key: 'k, v' },
      { name: 'keyed', sorting_key: 'a, b', partition_key: '', primary_key: 'a, b' },
      { name: 'products', sorting_key: 'category_id, product_id', partition_key: '(toYYYYMM(d), region)', primary_key: 'category_id, product_id' },
    ]);
    expect(await queryRows(p, `select k, v from ${ip.schema}.inc order by k`)).toEqual([0, 1, 2, 3].map((k) => ({ k, v: `v${k}` })));
  });
});
