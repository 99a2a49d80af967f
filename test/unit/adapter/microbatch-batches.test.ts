import { describe, expect, it } from 'vitest';
import { batchId, batchWindow, ceiling, formatBatchStart, offset, splitBatches, truncate } from '../../../packages/core/src/adapter/materializations/microbatch-batches.js';
import { parseDatetime } from '../../../packages/core/src/manifest/microbatch-config.js';

const t = (s: string) => new Date(`${s}Z`);
const iso = (d: Date) => d.toISOString().replace('.000Z', '');

// The examples of dbt-core's MicrobatchBuilder docstrings (core/dbt/materializations/incremental/microbatch.py).
describe('microbatch batches (dbt 1.9 MicrobatchBuilder)', () => {
  it('truncates, offsets and ceils like dbt', () => {
    const x = t('2024-09-17T16:06:00');
    expect(iso(truncate(x, 'hour'))).toBe('2024-09-17T16:00:00');
    expect(iso(truncate(x, 'month'))).toBe('2024-09-01T00:00:00');
    expect(iso(offset(x, 'hour', -1))).toBe('2024-09-17T15:00:00');
    expect(iso(offset(x, 'day', 1))).toBe('2024-09-18T00:00:00');
    expect(iso(offset(x, 'month', -1))).toBe('2024-08-01T00:00:00');
    expect(iso(offset(x, 'month', 4))).toBe('2025-01-01T00:00:00');
    expect(iso(offset(x, 'year', -1))).toBe('2023-01-01T00:00:00');
    expect(iso(ceiling(x, 'day'))).toBe('2024-09-18T00:00:00');
    expect(iso(ceiling(t('2024-09-17T00:00:00'), 'day'))).toBe('2024-09-17T00:00:00');
    expect(iso(ceiling(x, 'year'))).toBe('2025-01-01T00:00:00');
  });

  it('an incremental run covers the lookback batches and the current one', () => {
    const w = batchWindow({ size: 'day', incremental: true, lookback: 1, now: t('2024-09-17T16:06:00') });
    expect([iso(w.start), iso(w.end)]).toEqual(['2024-09-16T00:00:00', '2024-09-18T00:00:00']);
    expect(splitBatches(w, 'day').map((b) => [iso(b.start), iso(b.end)])).toEqual([
      ['2024-09-16T00:00:00', '2024-09-17T00:00:00'],
      ['2024-09-17T00:00:00', '2024-09-18T00:00:00'],
    ]);
    const none = batchWindow({ size: 'hour', incremental: true, lookback: 0, now: t('2024-09-17T16:06:00') });
    expect(splitBatches(none, 'hour').map((b) => iso(b.start))).toEqual(['2024-09-17T16:00:00']);
  });

  it('a first build starts at begin; --event-time-start/end win over both', () => {
    const first = batchWindow({ size: 'month', incremental: false, begin: t('2024-06-15T00:00:00'), lookback: 1, now: t('2024-09-17T16:06:00') });
    expect(splitBatches(first, 'month').map((b) => iso(b.start))).toEqual(['2024-06-01T00:00:00', '2024-07-01T00:00:00', '2024-08-01T00:00:00', '2024-09-01T00:00:00']);
    const flags = batchWindow({ size: 'day', incremental: true, lookback: 5, eventTimeStart: t('2024-01-02T10:00:00'), eventTimeEnd: t('2024-01-04T00:00:00'), now: t('2024-09-17T16:06:00') });
    expect(splitBatches(flags, 'day').map((b) => [iso(b.start), iso(b.end)])).toEqual([
      ['2024-01-02T00:00:00', '2024-01-03T00:00:00'],
      ['2024-01-03T00:00:00', '2024-01-04T00:00:00'],
    ]);
  });

  it("formats batch starts and ids as dbt's format_batch_start and batch_id", () => {
    const x = t('2024-09-17T16:06:00');
    expect(['hour', 'day', 'month', 'year'].map((s) => formatBatchStart(x, s as 'day'))).toEqual(['2024-09-17T16', '2024-09-17', '2024-09', '2024']);
    expect(batchId(x, 'day')).toBe('20240917');
  });

  it("reads datetimes as Python's fromisoformat does (UTC unless an offset is given)", () => {
    expect(iso(parseDatetime('2024-01-05')!)).toBe('2024-01-05T00:00:00');
    expect(iso(parseDatetime('2024-01-05 06:30')!)).toBe('2024-01-05T06:30:00');
    expect(iso(parseDatetime('2024-01-05T06:30:00+02:00')!)).toBe('2024-01-05T04:30:00');
    expect(parseDatetime('2024-02-30')).toBeUndefined();
    expect(parseDatetime('yesterday')).toBeUndefined();
  });
});
