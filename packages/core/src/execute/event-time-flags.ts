import { parseDatetime } from '../manifest/microbatch-config.js';
import { UsageError } from '../shared/errors.js';
import type { RunOptions } from '../tsdbt-options.js';

/** --event-time-start / --event-time-end checked as dbt checks them (both or neither, start before end). */
export function eventTimeOf(options: RunOptions): { start?: Date; end?: Date } | undefined {
  const given = (v: Date | string | undefined) => v !== undefined && v !== null && v !== '';
  if (!given(options.eventTimeStart) && !given(options.eventTimeEnd)) return undefined;
  if (!given(options.eventTimeStart))
    throw new UsageError('event_time', 'The flag `--event-time-end` was specified, but `--event-time-start` was not. When specifying `--event-time-end`, `--event-time-start` must also be present.');
  if (!given(options.eventTimeEnd))
    throw new UsageError('event_time', 'The flag `--event-time-start` was specified, but `--event-time-end` was not. When specifying `--event-time-start`, `--event-time-end` must also be present.');
  const parse = (flag: string, v: Date | string) => {
    const d = parseDatetime(v);
    if (!d) throw new UsageError('event_time', `${flag} '${String(v)}' is not a datetime`, { hint: "Write e.g. 2024-09-01, 2024-09-01T06:00:00 or '2024-09-01 06:00:00' (UTC)." });
    return d;
  };
  const start = parse('--event-time-start', options.eventTimeStart!);
  const end = parse('--event-time-end', options.eventTimeEnd!);
  if (start.getTime() >= end.getTime()) throw new UsageError('event_time', 'Value for `--event-time-start` must be less than `--event-time-end`');
  return { start, end };
}
