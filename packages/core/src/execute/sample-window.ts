import { parse as parseYaml } from 'yaml';
import { parseDatetime } from '../manifest/microbatch-config.js';
import { UsageError } from '../shared/errors.js';

/** The window `--sample` reads refs and sources with an `event_time` within: [start, end), UTC. */
export interface SampleWindow {
  readonly start: Date;
  readonly end: Date;
}

const UNITS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The start of `t`'s minute / hour / day / month / year (UTC). */
function truncate(t: Date, unit: string): Date {
  const d = new Date(t.getTime());
  if (unit === 'year') return new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  if (unit === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const size = UNITS[unit]!;
  return new Date(Math.floor(d.getTime() / size) * size);
}

/**
 * dbt 1.10's `--sample`: a relative window (`"3 days"`, `"1 hour"`: from that long before now,
 * at the start of its minute/hour/day/month/year, to now) or a fixed one (`"{'start': '2025-01-02',
 * 'end': '2025-01-03'}"`). Every ref() and source() with an `event_time` config that a model reads
 * is then read within it (compileSql's sampleWindow), as `--empty` reads nothing.
 */
export function sampleWindowOf(spec: string | SampleWindow, now = new Date()): SampleWindow {
  if (typeof spec !== 'string') return spec;
  const text = spec.trim();
  const relative = /^(\d+)\s*(minute|hour|day|month|year)s?$/i.exec(text);
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    let start: Date;
    if (unit === 'month' || unit === 'year') {
      start = new Date(now.getTime());
      if (unit === 'month') start.setUTCMonth(start.getUTCMonth() - n);
      else start.setUTCFullYear(start.getUTCFullYear() - n);
    } else start = new Date(now.getTime() - n * UNITS[unit]!);
    return { start: truncate(start, unit), end: now };
  }
  let parsed: unknown;
  try {
    parsed = /^\{/.test(text) ? parseYaml(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const bound = (key: 'start' | 'end') => (parsed && typeof parsed === 'object' ? parseDatetime((parsed as Record<string, unknown>)[key]) : undefined);
  const start = bound('start');
  const end = bound('end');
  if (!start || !end)
    throw new UsageError('sample', `--sample '${spec}' is neither a relative window ("3 days") nor {'start': …, 'end': …}`, {
      hint: "Write e.g. --sample '1 day' (minute, hour, day, month or year, with a count) or --sample \"{'start': '2025-01-01', 'end': '2025-01-03'}\".",
    });
  if (start.getTime() >= end.getTime()) throw new UsageError('sample', `--sample: start ${start.toISOString()} is not before end ${end.toISOString()}`);
  return { start, end };
}
