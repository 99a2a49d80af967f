import { describe, expect, it } from 'vitest';
import { partitionByExpression } from '../../../packages/core/src/adapter/table-ddl.js';

describe('partition_by', () => {
  it('ClickHouse SQL as written; a list is a tuple', () => {
    expect(partitionByExpression('toYYYYMM(d)')).toBe('toYYYYMM(d)');
    expect(partitionByExpression(['a', 'b'])).toBe('(a, b)');
    expect(partitionByExpression(undefined)).toBeUndefined();
  });

  it("BigQuery's dict form: the field's day by default, hour/month/year granularity, int64 ranges in buckets", () => {
    expect(partitionByExpression({ field: 'd', data_type: 'date' })).toBe('toYYYYMMDD(d)');
    expect(partitionByExpression({ field: 'ts', data_type: 'timestamp', granularity: 'hour' })).toBe('toStartOfHour(ts)');
    expect(partitionByExpression({ field: 'ts', granularity: 'MONTH' })).toBe('toYYYYMM(ts)');
    expect(partitionByExpression({ field: 'ts', granularity: 'year' })).toBe('toYear(ts)');
    expect(partitionByExpression({ field: 'n', data_type: 'int64', range: { start: 0, end: 100, interval: 10 } })).toBe('intDiv(n, 10)');
    expect(() => partitionByExpression({ data_type: 'date' })).toThrow(/names no field/);
  });
});
