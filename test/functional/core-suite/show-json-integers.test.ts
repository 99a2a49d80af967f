import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt show --output json writes a query's integers as JSON numbers (agate rows of Python ints,
 * json.dumps: exact however large). ClickHouse's JSON quotes 64-bit and wider integers; a text
 * column of digits stays text.
 */
describe('show --output json: 64-bit integers are numbers', () => {
  it('inline SQL, a model and a seed', async () => {
    const p = dbtProject({
      models: { 'counted.sql': "select count() as n, toUInt64(18446744073709551615) as big, '42' as digits_text from numbers(3)" },
      seeds: { 'ids.csv': 'id\n7\n' },
    });
    await p.dbt(['build']);
    const json = async (args: string[]) => {
      const { out } = await p.dbt(['show', ...args, '--output', 'json']);
      return out.filter((l) => !/^\d\d:\d\d:\d\d /.test(l)).join('\n');
    };
    const inline = await json(['--inline', "select count() as c, toInt64(-3) as neg, toNullable(toInt64(5)) as maybe, '7' as t, toInt32(2) as small from numbers(2)"]);
    expect(JSON.parse(inline)).toEqual({ show: [{ c: 2, neg: -3, maybe: 5, t: '7', small: 2 }] });
    const model = await json(['--select', 'counted']);
    // Beyond 2^53 the number is written from its digits (JSON.parse would round it: the text is checked).
    expect(model).toContain('"big": 18446744073709551615');
    expect(model).toContain('"n": 3');
    expect(model).toContain('"digits_text": "42"');
    expect(JSON.parse(await json(['--select', 'ids']))).toEqual({ node: 'ids', show: [{ id: 7 }] });
  });
});
