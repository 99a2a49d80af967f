import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter utils/test_except.py (BaseExcept), test_intersect.py (BaseIntersect) and
 * test_timestamps.py (BaseCurrentTimestamps with dbt-clickhouse's expected types, DateTime, and no
 * SQL text check). The set operations run a `dbt build` over the upstream seeds and models and
 * compare each model with its expected relation (check_relations_equal; empty ones included).
 */
const A = 'id\n1\n2\n3\n';
const B = 'id\n3\n4\n5\n';
const setOp = (macro: 'except' | 'intersect', left: string, right: string) => `\nselect * from {{ ref('${left}') }}\n{{ ${macro}() }}\nselect * from {{ ref('${right}') }}\n`;

/** check_relations_equal: same rows (both may be empty). */
async function expectSameRows(p: DbtProject, actual: string, expected: string): Promise<void> {
  const rows = (name: string) => p.query<{ id: number }>(`select id from {schema}.${name} order by id`);
  expect(await rows(actual), `${actual} = ${expected}`).toEqual(await rows(expected));
}

describe('utils: set operations and timestamps (dbt-tests-adapter utils/)', () => {
  it('BaseExcept: a − b, b − a, a − a, a − empty, empty − a, empty − empty', async () => {
    const op = (l: string, r: string) => setOp('except', l, r);
    const p = dbtProject({
      seeds: { 'data_except_a.csv': A, 'data_except_b.csv': B, 'data_except_a_minus_b.csv': 'id\n1\n2\n', 'data_except_b_minus_a.csv': 'id\n4\n5\n' },
      models: {
        'data_except_empty.sql': "\nselect * from {{ ref('data_except_a') }}\nwhere 0=1\n",
        'test_except_a_minus_b.sql': op('data_except_a', 'data_except_b'),
        'test_except_b_minus_a.sql': op('data_except_b', 'data_except_a'),
        'test_except_a_minus_a.sql': op('data_except_a', 'data_except_a'),
        'test_except_a_minus_empty.sql': op('data_except_a', 'data_except_empty'),
        'test_except_empty_minus_a.sql': op('data_except_empty', 'data_except_a'),
        'test_except_empty_minus_empty.sql': op('data_except_empty', 'data_except_empty'),
      },
    });
    await p.dbt(['build']);
    await expectSameRows(p, 'test_except_a_minus_b', 'data_except_a_minus_b');
    await expectSameRows(p, 'test_except_b_minus_a', 'data_except_b_minus_a');
    await expectSameRows(p, 'test_except_a_minus_a', 'data_except_empty');
    await expectSameRows(p, 'test_except_a_minus_empty', 'data_except_a');
    await expectSameRows(p, 'test_except_empty_minus_a', 'data_except_empty');
    await expectSameRows(p, 'test_except_empty_minus_empty', 'data_except_empty');
    expect(await p.rows('test_except_a_minus_b')).toEqual([[1], [2]]);
  });

  it('BaseIntersect: a ∩ b, b ∩ a, a ∩ a, a ∩ empty, empty ∩ a, empty ∩ empty', async () => {
    const op = (l: string, r: string) => setOp('intersect', l, r);
    const p = dbtProject({
      seeds: { 'data_intersect_a.csv': A, 'data_intersect_b.csv': B, 'data_intersect_a_overlap_b.csv': 'id\n3\n' },
      models: {
        'data_intersect_empty.sql': "\nselect * from {{ ref('data_intersect_a') }}\nwhere 0=1\n",
        'test_intersect_a_overlap_b.sql': op('data_intersect_a', 'data_intersect_b'),
        'test_intersect_b_overlap_a.sql': op('data_intersect_b', 'data_intersect_a'),
        'test_intersect_a_overlap_a.sql': op('data_intersect_a', 'data_intersect_a'),
        'test_intersect_a_overlap_empty.sql': op('data_intersect_a', 'data_intersect_empty'),
        'test_intersect_empty_overlap_a.sql': op('data_intersect_empty', 'data_intersect_a'),
        'test_intersect_empty_overlap_empty.sql': op('data_intersect_empty', 'data_intersect_empty'),
      },
    });
    await p.dbt(['build']);
    await expectSameRows(p, 'test_intersect_a_overlap_b', 'data_intersect_a_overlap_b');
    await expectSameRows(p, 'test_intersect_b_overlap_a', 'data_intersect_a_overlap_b');
    await expectSameRows(p, 'test_intersect_a_overlap_a', 'data_intersect_a');
    await expectSameRows(p, 'test_intersect_a_overlap_empty', 'data_intersect_empty');
    await expectSameRows(p, 'test_intersect_empty_overlap_a', 'data_intersect_empty');
    await expectSameRows(p, 'test_intersect_empty_overlap_empty', 'data_intersect_empty');
    expect(await p.rows('test_intersect_a_overlap_b')).toEqual([[3]]);
  });

  it("BaseCurrentTimestamps (dbt-clickhouse's expected schema): the three timestamps are DateTime columns", async () => {
    const p = dbtProject({
      models: {
        'get_current_timestamp.sql':
          '\nselect {{ current_timestamp() }} as current_timestamp,\n       {{ current_timestamp_in_utc_backcompat() }} as current_timestamp_in_utc_backcompat,\n       {{ current_timestamp_backcompat() }} as current_timestamp_backcompat\n',
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const columns = await p.query<{ name: string; type: string }>("select name, type from system.columns where database = '{schema}' and table = 'get_current_timestamp' order by position");
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type.replace(/\(.*\)$/, '')]))).toEqual({
      current_timestamp: 'DateTime',
      current_timestamp_in_utc_backcompat: 'DateTime',
      current_timestamp_backcompat: 'DateTime',
    });
  });
});
