/**
 * dbt 1.9's microbatch batches (core/dbt/materializations/incremental/microbatch.py), in UTC:
 * the window a run covers and its split into `batch_size` batches.
 */

import type { BatchSize } from '../../manifest/microbatch-config.js';

export type { BatchSize };

/** One batch: [start, end). */
export interface Batch {
  readonly start: Date;
  readonly end: Date;
}

/** `2024-09-17 16:06` → the start of its hour / day / month / year (UTC). */
export function truncate(t: Date, size: BatchSize): Date {
  const y = t.getUTCFullYear();
  const m = size === 'year' ? 0 : t.getUTCMonth();
  const d = size === 'year' || size === 'month' ? 1 : t.getUTCDate();
  const h = size === 'hour' ? t.getUTCHours() : 0;
  return new Date(Date.UTC(y, m, d, h));
}

/** The truncated `t` moved by `offset` batches. */
export function offset(t: Date, size: BatchSize, by: number): Date {
  const base = truncate(t, size);
  switch (size) {
    case 'hour':
      return new Date(base.getTime() + by * 3_600_000);
    case 'day':
      return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + by));
    case 'month':
      return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + by, 1));
    case 'year':
      return new Date(Date.UTC(base.getUTCFullYear() + by, 0, 1));
  }
}

/** `t` moved up to the next batch boundary (itself when it is one). */
export function ceiling(t: Date, size: BatchSize): Date {
  const base = truncate(t, size);
  return base.getTime() === t.getTime() ? base : offset(base, size, 1);
}

export interface WindowInput {
  readonly size: BatchSize;
  /** The model's table exists and this is no full refresh. */
  readonly incremental: boolean;
  readonly begin?: Date;
  readonly lookback: number;
  /** --event-time-start / --event-time-end. */
  readonly eventTimeStart?: Date;
  readonly eventTimeEnd?: Date;
  /** The run's start (dbt's invocation time): the default end. */
  readonly now: Date;
}

/**
 * dbt's build_end_time / build_start_time: the end is the ceiling of --event-time-end (or now); the
 * start is --event-time-start truncated, or `begin` on a first build or full refresh, or `lookback`
 * batches before the end's batch (one more when the end is a boundary, which a ceiling always is).
 */
export function batchWindow(w: WindowInput): Batch {
  const end = ceiling(w.eventTimeEnd ?? w.now, w.size);
  let start: Date;
  if (w.eventTimeStart) start = truncate(w.eventTimeStart, w.size);
  else if (!w.incremental) {
    if (!w.begin) throw new Error("a microbatch model's first build needs 'begin'");
    start = truncate(w.begin, w.size);
  } else {
    const lookback = w.lookback + (truncate(end, w.size).getTime() === end.getTime() ? 1 : 0);
    start = offset(end, w.size, -lookback);
  }
  return { start, end };
}

/** dbt's build_batches: batches of `size` from `start`, the last one ending exactly at `end`. */
export function splitBatches(window: Batch, size: BatchSize): Batch[] {
  const batches: Batch[] = [];
  let start = window.start;
  let end = offset(start, size, 1);
  batches.push({ start, end });
  while (end.getTime() < window.end.getTime()) {
    start = end;
    end = offset(start, size, 1);
    batches.push({ start, end });
  }
  batches[batches.length - 1] = { start: batches[batches.length - 1]!.start, end: window.end };
  return batches;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2024-09-17 16:00:00` (UTC), as SQL literals take it. */
export function sqlTimestamp(t: Date): string {
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** dbt's format_batch_start: `2024-09-17T16`, `2024-09-17`, `2024-09`, `2024`. */
export function formatBatchStart(t: Date, size: BatchSize): string {
  const day = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  if (size === 'year') return String(t.getUTCFullYear());
  if (size === 'month') return day.slice(0, 7);
  if (size === 'day') return day;
  return `${day}T${pad(t.getUTCHours())}`;
}

/** dbt's batch id: the formatted start without dashes (`20240917`). */
export const batchId = (t: Date, size: BatchSize) => formatBatchStart(t, size).replace(/-/g, '');

/** dbt's serialised batch bound in run_results (`2024-09-17T00:00:00+00:00`). */
export function isoUtc(t: Date): string {
  return `${sqlTimestamp(t).replace(' ', 'T')}+00:00`;
}
