import { describe, expect, it } from 'vitest';
import { inferType } from '../../../packages/core/src/adapter/seed-loader.js';
import { agateNumber } from '../../../packages/core/src/adapter/agate-number.js';

describe('seed column types', () => {
  it('integers take the smallest type that holds every value exactly', () => {
    expect(inferType(['1', '-2147483648', '2147483647'])).toBe('Int32');
    expect(inferType(['1', '2147483648'])).toBe('Int64');
    expect(inferType(['1234567890123456789', '-9223372036854775808'])).toBe('Int64'); // 19 digits: no float rounding
    expect(inferType(['18446744073709551615', '0'])).toBe('UInt64');
    expect(inferType(['18446744073709551616'])).toBe('Float64');
    expect(inferType(['1', ''])).toBe('Nullable(Int32)');
  });

  it('dates outside Date/DateTime ranges take Date32/DateTime64', () => {
    expect(inferType(['2024-01-02', '1970-01-01'])).toBe('Date');
    expect(inferType(['1956-03-04', '2024-01-02'])).toBe('Date32');
    expect(inferType(['2200-01-01'])).toBe('Date32');
    expect(inferType(['2024-01-02 10:00:00'])).toBe('DateTime');
    // agate's strptime takes one digit for a part (attribution-playbook's sessions.csv: `2020-02-04 0:40:51`)
    expect(inferType(['2020-02-03 12:41:25', '2020-02-04 0:40:51', '2020-2-4 9:5:7'])).toBe('DateTime');
    expect(inferType(['2020-2-4', '2020-12-31'])).toBe('Date');
    expect(inferType(['1969-1-1 0:00:00'])).toBe('DateTime64(0)');
    expect(inferType(['1969-12-31 23:59:59', '2024-01-02T10:00:00'])).toBe('DateTime64(0)');
    // fractions of a second: DateTime64 with the longest fraction's digits (agate reads them as DateTimes too)
    expect(inferType(['2025-02-13T05:35:51.648', '2025-02-13 05:35:51', ''])).toBe('Nullable(DateTime64(3))');
    // a big seed's column (a spread of 200k values overflowed the stack: 'Maximum call stack size exceeded')
    expect(inferType(Array.from({ length: 200_000 }, (_, i) => `2025-02-13 05:35:51.${String(i % 1000).padStart(i === 7 ? 6 : 3, '0')}`))).toBe('DateTime64(6)');
    expect(inferType(['2025-02-13T05:35:51.6', 'x'])).toBe('String');
  });

  it('other values', () => {
    expect(inferType(['1.5', '2'])).toBe('Float64');
    expect(inferType(['true', 'False'])).toBe('Bool');
    expect(inferType(['a', '1'])).toBe('String');
    // dbt (agate) infers Integer for a column of empty values: integer on Postgres, Int32 on dbt-clickhouse.
    expect(inferType(['', ''])).toBe('Nullable(Int32)');
  });

  it("numbers as agate reads them: group separators, currency symbols and % stripped (kzzzr/mybi-dbt-core's \"6,427\" ids)", () => {
    expect(inferType(['6,427', '38,148'])).toBe('Int32');
    expect(inferType(['$1,200.50', '-€3', '12%'])).toBe('Float64');
    expect(inferType(['1,234', 'a,b'])).toBe('String');
    expect(agateNumber('6,427')).toBe('6427');
    expect(agateNumber(' $1,200.50 ')).toBe('1200.50');
    expect(agateNumber('-12%')).toBe('-12');
    expect(agateNumber('-$5')).toBe('-5');
    expect(agateNumber('--5')).toBe('5'); // agate's sign, then Decimal's own
    expect(agateNumber('1_000')).toBe('1000'); // Python's Decimal takes PEP 515 underscores
    expect(agateNumber('1.5e3')).toBe('1.5e3');
    for (const text of ['', '-', '$', '%', '1-2', '2021-09-19', '1 2', 'NaN', 'Infinity', '1__0', '_1', 'abc']) expect(agateNumber(text), text).toBeUndefined();
  });
});
