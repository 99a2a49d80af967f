import { DateTime, FixedOffset, UTC, offsetText, type TzLike } from './datetime.js';

/**
 * pytz for `modules.pytz`: `timezone(name)` over the IANA database JS ships (Intl), `localize()`,
 * `normalize()`, `utc`. As in pytz, a zone given directly as `tzinfo=` (not through localize()) has
 * the zone's first offset, its local mean time (`-07:53` for America/Los_Angeles).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset east of UTC in (possibly fractional) minutes at a UTC instant. */
function offsetAt(zone: string, utcMs: number): number {
  const name = formatter(zone).formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60);
}

function abbreviation(zone: string, utcMs: number): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value;
  return name ?? zone;
}

const EPOCH_US = 719_162n * 86_400_000_000n;
const msOf = (naiveUtc: DateTime) => Number(naiveUtc.localUs() - EPOCH_US) / 1000;

export class PytzZone implements TzLike {
  private readonly lmt: number;
  constructor(readonly zone: string) {
    formatter(zone); // throws RangeError for an unknown zone
    this.lmt = Math.round(offsetAt(zone, Date.UTC(1800, 0, 1)));
  }

  /** A zone attached directly (not localized) answers with its local mean time, as pytz does. */
  offsetMinutes(): number {
    return this.lmt;
  }
  tzname(): string {
    return 'LMT';
  }

  fromUtc(utc: DateTime): DateTime {
    const ms = msOf(utc);
    const minutes = Math.round(offsetAt(this.zone, ms));
    return DateTime.fromLocalUs(utc.localUs() + BigInt(minutes) * 60_000_000n, new FixedOffset(minutes, abbreviation(this.zone, ms), this.zone));
  }

  /** The local wall time `dt` (naive) in this zone, with the offset in force then. */
  localize(dt: unknown): DateTime {
    const local = dt as DateTime;
    if (local.tzinfo) throw new Error('ValueError: Not naive datetime (tzinfo is already set)');
    const naive = local.replace({ tzinfo: null, __keywords: true });
    const guess = offsetAt(this.zone, msOf(naive));
    const utcMs = msOf(naive) - guess * 60_000;
    const minutes = Math.round(offsetAt(this.zone, utcMs));
    return naive.replace({ tzinfo: new FixedOffset(minutes, abbreviation(this.zone, utcMs), this.zone), __keywords: true });
  }

  normalize(dt: unknown): DateTime {
    const d = dt as DateTime;
    return d.tzinfo ? d.astimezone(this) : d;
  }

  utcoffset(dt: unknown): unknown {
    return (this.localize(dt) as DateTime).utcoffset();
  }

  toString(): string {
    return this.zone;
  }
}

/** pytz.utc: a fixed zone that also localizes. */
class UtcZone extends FixedOffset {
  constructor() {
    super(0, 'UTC', 'UTC');
  }
  localize(dt: unknown): DateTime {
    return (dt as DateTime).replace({ tzinfo: this, __keywords: true });
  }
  normalize(dt: unknown): DateTime {
    return (dt as DateTime).astimezone(this);
  }
}

const utc = new UtcZone();

function timezone(name: unknown): TzLike {
  const zone = String(name);
  if (zone.toUpperCase() === 'UTC') return utc;
  try {
    return new PytzZone(zone);
  } catch {
    throw new Error(`UnknownTimeZoneError: '${zone}'`);
  }
}

const allZones = (): string[] => {
  const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  return supported ? ['UTC', ...supported('timeZone')] : ['UTC'];
};

/** `modules.pytz`. */
export const pytzModule: Record<string, unknown> = {
  timezone,
  utc,
  UTC: utc,
  FixedOffset: (minutes: unknown) => new FixedOffset(Number(minutes), offsetText(Number(minutes), 'UTC')),
  get all_timezones() {
    return allZones();
  },
  get common_timezones() {
    return allZones();
  },
  ZERO: UTC.utcoffset(),
};
