import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../packages/cli/src/printer/result-table.js';

describe('formatTable (show, the Instacart verification results)', () => {
  it('right-aligns numbers rounded to the decimals their column needs; text left; no quotes, no index column', () => {
    const rows = [
      { segment: 'loyal', customers: '8051', avg_churn: 0.2812345, ratio: 1.5 },
      { segment: 'new', customers: '567', avg_churn: 0.1, ratio: 2 },
      { segment: null, customers: '12345678901234567890', avg_churn: null, ratio: 0 },
    ];
    expect(formatTable(rows)).toBe(
      [
        '| segment |            customers | avg_churn | ratio |',
        '| ------- | -------------------: | --------: | ----: |',
        '| loyal   |                 8051 |      0.28 |   1.5 |',
        '| new     |                  567 |      0.10 |   2.0 |',
        '| NULL    | 12345678901234567890 |      NULL |   0.0 |',
      ].join('\n'),
    );
  });

  it('keeps two significant digits of a tiny non-zero value, and integers whole', () => {
    expect(formatTable([{ x: 0.000123 }, { x: 1 }], { decimals: 2 })).toBe('|       x |\n| ------: |\n| 0.00012 |\n|    1.00 |');
  });

  it('fits the width by narrowing the widest text columns (…), never a number', () => {
    const rows = [{ a: 'x'.repeat(40), b: 'y'.repeat(30), n: 123456 }];
    const out = formatTable(rows, { width: 50 }).split('\n');
    for (const line of out) expect(line.length).toBeLessThanOrEqual(50);
    expect(out[2]).toMatch(/^\| x+… \| y+… \| 123456 \|$/);
    // both text columns gave up room, the widest first
    const [a, b] = out[2]!.split('|').slice(1, 3).map((c) => c.trim().length);
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1);
  });

  it('says when there are no rows', () => {
    expect(formatTable([])).toBe('(no rows)');
  });
});
