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

/*
 * first_value/last_value take the frame's first/last row's value, NULL included, on dbt's warehouses
 * (ClickHouse skips NULLs by default); `lag/lead(x) IGNORE NULLS` and `nth_value(x, n) IGNORE NULLS` skip
 * them (ClickHouse parses the modifier there and does not apply it). Expected values: Postgres /
 * Snowflake semantics, worked by hand over x = [NULL, 1, NULL, NULL, 4, NULL] ordered by i.
 */
const VALUES = `select number as i, if(number in (1, 4), toNullable(toInt32(number)), NULL) as x from numbers(6)`;

describe('window values and NULLs (first_value/last_value respect them; IGNORE NULLS on lag/lead/nth_value skips them)', () => {
  it('gives Postgres/Snowflake answers for first_value, last_value, lag/lead/nth_value IGNORE NULLS', async () => {
    const p = dbtProject({
      models: {
        'vals.sql': VALUES,
        'windows.sql': `{{ config(materialized='table') }}
select i,
       first_value(x) over (order by i rows between unbounded preceding and unbounded following) as first_x,
       last_value(x) over (order by i rows between unbounded preceding and unbounded following) as last_x,
       first_value(x) over (order by i rows between current row and unbounded following) as first_from_here,
       last_value(x) ignore nulls over (order by i rows between unbounded preceding and current row) as filled,
       lag(x) ignore nulls over (order by i) as prev_known,
       lag(x, 2) ignore nulls over (order by i) as prev_known_2,
       lead(x) IGNORE NULLS over (order by i) as next_known,
       lead(x, 1, -1) ignore nulls over (order by i rows between current row and 3 following) as next_known_or,
       lag(x ignore nulls) over w as prev_known_inside,
       nth_value(x, 2) ignore nulls over (order by i rows between unbounded preceding and unbounded following) as second_known,
       lag(x) respect nulls over (order by i) as prev_x
from {{ ref('vals') }}
window w as (order by i)`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success']);
    const rows = await p.query(
      `select i, first_x, last_x, first_from_here, filled, prev_known, prev_known_2, next_known, next_known_or, prev_known_inside, second_known, prev_x from {schema}.windows order by i`,
    );
    const col = (name: string) => rows.map((r) => (r[name] === null ? null : Number(r[name])));
    expect(col('first_x')).toEqual([null, null, null, null, null, null]);
    expect(col('last_x')).toEqual([null, null, null, null, null, null]);
    expect(col('first_from_here')).toEqual([null, 1, null, null, 4, null]);
    expect(col('filled')).toEqual([null, 1, 1, 1, 4, 4]);
    expect(col('prev_known')).toEqual([null, null, 1, 1, 1, 4]);
    expect(col('prev_known_2')).toEqual([null, null, null, null, null, 1]);
    expect(col('next_known')).toEqual([1, 4, 4, 4, null, null]);
    expect(col('next_known_or')).toEqual([1, 4, 4, 4, -1, -1]);
    expect(col('prev_known_inside')).toEqual([null, null, 1, 1, 1, 4]);
    expect(col('second_known')).toEqual([4, 4, 4, 4, 4, 4]);
    expect(col('prev_x')).toEqual([null, null, 1, null, null, 4]);
  });

  it('nth_value past the frame and first_value/last_value of an empty frame are NULL (ClickHouse: the type default)', async () => {
    const p = dbtProject({
      models: {
        'frames.sql': `{{ config(materialized='table') }}
select i,
       nth_value(v, 2) over (order by i) as second_v,
       first_value(v) over (order by i rows between 1 following and 1 following) as next_v,
       last_value(v) over (order by i rows between unbounded preceding and 1 preceding) as prev_v
from (select number as i, toUInt32(number * 10) as v from numbers(3))`,
      },
    });
    await p.dbt(['run']);
    const rows = await p.query(`select i, second_v, next_v, prev_v from {schema}.frames order by i`);
    expect(rows.map((r) => [r.second_v, r.next_v, r.prev_v])).toEqual([
      [null, 10, null],
      [10, 20, 0],
      [10, null, 10],
    ]);
  });

  it("arrays and maps, which ClickHouse cannot make NULL, keep its empty value past the edge while the model's other shifts are NULL", async () => {
    // toNullable(tags) failed the whole model: "Nested type Array(String) cannot be inside Nullable type".
    const p = dbtProject({
      models: {
        'arrays.sql': `{{ config(materialized='table') }}
select i,
       lag(tags) over (order by i) as prev_tags,
       lead(tags) over (order by i) as next_tags,
       nth_value(tags, 2) over (order by i) as second_tags,
       last_value(attrs) over (order by i rows between unbounded preceding and 1 preceding) as prev_attrs,
       lag(tags) ignore nulls over (order by i) as prev_known_tags,
       lag(i) over (order by i) as prev_i
from (select number as i, [concat('t', toString(number))] as tags, map('k', toUInt32(number)) as attrs from numbers(3))`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success']);
    const rows = await p.query(`select i, prev_tags, next_tags, second_tags, toJSONString(prev_attrs) as prev_attrs, prev_known_tags, prev_i from {schema}.arrays order by i`);
    expect(rows.map((r) => [r.prev_tags, r.next_tags, r.second_tags, r.prev_attrs, r.prev_known_tags, r.prev_i])).toEqual([
      [[], ['t1'], [], '{}', [], null],
      [['t0'], ['t2'], ['t1'], '{"k":0}', ['t0'], '0'],
      [['t1'], [], ['t1'], '{"k":1}', ['t1'], '1'],
    ]);
  });

  it('fails with a clear error for an IGNORE NULLS form it cannot write (a named window it cannot find)', async () => {
    const p = dbtProject({ models: { 'bad.sql': `select lag(x) ignore nulls over missing_w as p from (${VALUES})` } });
    const run = await p.dbt(['run'], { expectPass: false });
    expect(run.results.map((r) => r.status)).toEqual(['error']);
    expect(run.results[0]!.message).toMatch(/IGNORE NULLS OVER missing_w .*ClickHouse would not apply it/);
  });

  it("a unit test's model gets them too: lag's first row is NULL and lag IGNORE NULLS skips NULLs", async () => {
    const p = dbtProject({
      models: {
        'vals.sql': VALUES,
        'shifted.sql': `select i, lag(x) over (order by i) as prev_x, lag(x) ignore nulls over (order by i) as prev_known, first_value(x) over (order by i) as first_x from {{ ref('vals') }}`,
      },
      files: {
        'models/unit.yml': `unit_tests:
  - name: shifts
    model: shifted
    given:
      - input: ref('vals')
        rows:
          - {i: 0, x: null}
          - {i: 1, x: 1}
          - {i: 2, x: null}
    expect:
      rows:
        - {i: 0, prev_x: null, prev_known: null, first_x: null}
        - {i: 1, prev_x: null, prev_known: null, first_x: null}
        - {i: 2, prev_x: 1, prev_known: 1, first_x: null}
`,
      },
    });
    await p.dbt(['run', '--select', 'vals']);
    const test = await p.dbt(['test', '--select', 'shifted']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
  });
});
