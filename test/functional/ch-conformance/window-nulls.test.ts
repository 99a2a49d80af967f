import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's answer for lag()/lead() past a partition's edge is NULL (SQL's, on every warehouse dbt
 * runs on); ClickHouse gives the type's default. Under dbt_semantics (default on) tsdbt gives NULL;
 * `dbt_semantics: false` keeps ClickHouse's answer.
 */
const MODEL = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select g, x,
       x - lag(x) over (partition by g order by x) as delta,
       lead(x, 1) over (partition by g order by x) as next_x,
       lag(x, 1, 100) over (partition by g order by x) as lag_or_100
from (select number % 2 as g, toUInt32(number) as x from numbers(4))
`;

describe('lag/lead give NULL past the partition edge (dbt_semantics)', () => {
  it("a model's first row has a NULL lag and its last a NULL lead; an explicit default stays; dbt_semantics: false keeps ClickHouse's 0", async () => {
    const p = dbtProject({ models: { 'shifts.sql': MODEL(''), 'shifts_ch.sql': MODEL(', dbt_semantics=false') } });
    await p.dbt(['run']);
    expect(await p.query(`select g, x, delta, next_x, lag_or_100 from {schema}.shifts order by g, x`)).toEqual([
      { g: 0, x: 0, delta: null, next_x: 2, lag_or_100: 100 },
      { g: 0, x: 2, delta: '2', next_x: null, lag_or_100: 0 },
      { g: 1, x: 1, delta: null, next_x: 3, lag_or_100: 100 },
      { g: 1, x: 3, delta: '2', next_x: null, lag_or_100: 1 },
    ]);
    expect(await p.query(`select x, delta, next_x from {schema}.shifts_ch order by g, x limit 2`)).toEqual([
      { x: 0, delta: '0', next_x: 2 },
      { x: 2, delta: '2', next_x: 0 },
    ]);
  });

  it('a data test comparing each row with its lag (dbt_expectations-style) passes on increasing values', async () => {
    const p = dbtProject({
      models: { 'vals.sql': `select number as x, number % 2 as g from numbers(6)` },
      tests: {
        'increasing.sql': `select * from (select x, lag(x) over (partition by g order by x) as prev from {{ ref('vals') }}) where prev is not null and not (x > prev)`,
      },
    });
    await p.dbt(['run']);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
  });
});
