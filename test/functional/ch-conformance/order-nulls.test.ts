import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * `ORDER BY x DESC` puts NULLs last under dbt_semantics too — ClickHouse's order, BigQuery's and Databricks'; Postgres,
 * Snowflake and Redshift put them first for DESC. Deliberate (README "Left as ClickHouse answers"): the warehouses
 * disagree and a ClickHouse project relies on it; `NULLS FIRST` / `NULLS LAST` as written decide.
 */
describe('NULLs in ORDER BY … DESC (kept as ClickHouse orders them)', () => {
  it('are last for DESC as for ASC; NULLS FIRST / NULLS LAST as written win', async () => {
    const p = dbtProject({
      models: {
        'ranked.sql': `select id,
  row_number() over (order by updated_at desc) as newest_first,
  row_number() over (order by updated_at) as oldest_first,
  row_number() over (order by updated_at desc nulls first) as nulls_first,
  row_number() over (order by updated_at nulls last) as nulls_last
from (select 1 as id, toNullable(1) as updated_at union all select 2, NULL union all select 3, 3)`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select id, toInt32(newest_first) as newest_first, toInt32(oldest_first) as oldest_first, toInt32(nulls_first) as nulls_first, toInt32(nulls_last) as nulls_last from {schema}.ranked order by id')).toEqual([
      { id: 1, newest_first: 2, oldest_first: 1, nulls_first: 3, nulls_last: 1 },
      { id: 2, newest_first: 3, oldest_first: 3, nulls_first: 1, nulls_last: 3 },
      { id: 3, newest_first: 1, oldest_first: 2, nulls_first: 2, nulls_last: 2 },
    ]);
  });
});
