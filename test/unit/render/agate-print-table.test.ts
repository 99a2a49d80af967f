import { describe, expect, it } from 'vitest';
import { AgateTable } from '../../../packages/core/src/render/agate-table.js';

/** agate's Table.print_table as dbt projects call it (`{% do results.print_table() %}`, audit_helper's docs). */
describe('agate print_table', () => {
  const printed = (table: AgateTable, call: (t: AgateTable) => unknown) => {
    const out: string[] = [];
    (table as unknown as { print: (s: string) => void }).print = (s) => out.push(s);
    expect(call(table)).toBe('');
    return out.join('\n');
  };
  const table = (rows: unknown[][]) => {
    const out: string[] = [];
    const t = new AgateTable({ columnNames: ['in_a', 'in_b', 'count', 'percent_of_total'], columnTypes: ['Bool', 'Bool', 'UInt64', 'Float64'], rows }, (s) => out.push(s));
    return { t, out };
  };

  it('writes the table (not returns it): text left, the rest right, numbers at the column precision with separators', () => {
    const { t, out } = table([[true, true, '1200', 99.5], [true, false, '3', 0.25], [false, true, null, null]]);
    expect(t.print_table()).toBe('');
    expect(out.join('\n')).toBe(
      [
        // agate's Boolean is not Text: right-aligned like numbers; None prints empty
        '|  in_a |  in_b | count | percent_of_total |',
        '| ----- | ----- | ----- | ---------------- |',
        '|  True |  True | 1,200 |            99.50 |',
        '|  True | False |     3 |             0.25 |',
        '| False |  True |       |                  |',
      ].join('\n'),
    );
  });

  it('cuts rows, columns, long values and precision as agate (max_rows, max_columns, max_column_width, max_precision)', () => {
    const wide = new AgateTable({ columnNames: ['name', 'x', 'y'], columnTypes: ['String', 'Float64', 'String'], rows: [['a very long text value here', 1 / 3, 'k'], ['b', 2, 'l'], ['c', 3, 'm']] });
    expect(printed(wide, (w) => w.print_table(2, 2))).toBe(
      ['| name                 |      x | ... |', '| -------------------- | ------ | --- |', '| a very long text ... | 0.333… | ... |', '| b                    | 2.000… | ... |', '| ...                  |    ... | ... |'].join('\n'),
    );
  });
});
