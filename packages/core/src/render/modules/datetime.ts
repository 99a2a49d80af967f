import { bindArgs, given } from '../call-args.js';
import { NOT_IMPLEMENTED, pyTuple, toPyFloat } from '../jinja-compat/python-values.js';
import { strftime, strptimeFields, type TimeFields } from './time-format.js';

/**
 * Python's `datetime` module for `modules.datetime` (dbt exports date, datetime, time, timedelta and
 * tzinfo): construction with keywords, arithmetic and comparisons (through the Python special
 * methods the Jinja layer calls), strftime/strptime, isoformat/fromisoformat, and str() as Python.
 * Times are exact to the microsecond (BigInt microseconds).
 */

const US_PER_DAY = 86_400_000_000n;
const US_PER_SEC = 1_000_000n;
/** Days from 0001-01-01 to 1970-01-01. */
const EPOCH_DAYS = 719_162;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, m, d];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const int = (v: unknown, dflt = 0) => (given(v) ? Math.trunc(Number(v)) : dflt);

export class TimeDelta {
  readonly us: bigint;
  constructor(us: bigint) {
    this.us = us;
  }

  static make(...args: unknown[]): TimeDelta {
    const a = bindArgs(args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks']);
    const n = (k: string) => Number(a[k] ?? 0);
    const total = (n('weeks') * 7 + n('days')) * 86400e6 + (n('hours') * 3600 + n('minutes') * 60 + n('seconds')) * 1e6 + n('milliseconds') * 1000 + n('microseconds');
    return new TimeDelta(BigInt(Math.round(total)));
  }

  get days(): number {
    return Number(floorDiv(this.us, US_PER_DAY));
  }
  get seconds(): number {
    return Number(floorDiv(mod(this.us, US_PER_DAY), US_PER_SEC));
  }
  get microseconds(): number {
    return Number(mod(this.us, US_PER_SEC));
  }
  total_seconds(): unknown {
    return toPyFloat(Number(this.us) / 1e6);
  }

  __add__(o: unknown): unknown {
    if (o instanceof TimeDelta) return new TimeDelta(this.us + o.us);
    return NOT_IMPLEMENTED;
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    return o instanceof TimeDelta ? new TimeDelta(this.us - o.us) : NOT_IMPLEMENTED;
  }
  __mul__(o: unknown): unknown {
    return typeof o === 'number' ? new TimeDelta(BigInt(Math.round(Number(this.us) * o))) : NOT_IMPLEMENTED;
  }
  __rmul__(o: unknown): unknown {
    return this.__mul__(o);
  }
  __neg__(): TimeDelta {
    return new TimeDelta(-this.us);
  }
  __eq__(o: unknown): boolean {
    return o instanceof TimeDelta && o.us === this.us;
  }
  __lt__(o: unknown): boolean {
    return o instanceof TimeDelta && this.us < o.us;
  }
  __gt__(o: unknown): boolean {
    return o instanceof TimeDelta && this.us > o.us;
  }
  __bool__(): boolean {
    return this.us !== 0n;
  }

  toString(): string {
    const days = this.days;
    let rest = Number(mod(this.us, US_PER_DAY));
    const us = rest % 1e6;
    rest = Math.floor(rest / 1e6);
    const clock = `${Math.floor(rest / 3600)}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}${us ? `.${pad(us, 6)}` : ''}`;
    return days ? `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function mod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** A tzinfo as templates see it (a fixed offset, or a pytz zone). */
export interface TzLike {
  /** Offset east of UTC in minutes for this local wall time (null: unknown). */
  offsetMinutes(local: DateTime): number | null;
  tzname(local: DateTime): string | null;
  /** Python's tzinfo.fromutc(): the aware local time of a naive UTC wall time. */
  fromUtc(utc: DateTime): DateTime;
}

function isTz(v: unknown): v is TzLike {
  return typeof v === 'object' && v !== null && typeof (v as TzLike).offsetMinutes === 'function';
}

/** A fixed UTC offset (datetime.timezone, or the tzinfo a pytz zone's localize() attaches). */
export class FixedOffset implements TzLike {
  constructor(readonly minutes: number, readonly name: string, readonly zone?: string) {}
  offsetMinutes(): number {
    return this.minutes;
  }
  tzname(): string {
    return this.name;
  }
  utcoffset(): TimeDelta {
    return new TimeDelta(BigInt(this.minutes) * 60n * US_PER_SEC);
  }
  fromUtc(utc: DateTime): DateTime {
    return DateTime.fromLocalUs(utc.localUs() + BigInt(this.minutes) * 60n * US_PER_SEC, this);
  }
  toString(): string {
    return this.zone ?? this.name;
  }
}

export const UTC = new FixedOffset(0, 'UTC', 'UTC');

export class PyDate {
  constructor(readonly year: number, readonly month: number, readonly day: number) {
    if (month < 1 || month > 12) throw new Error('ValueError: month must be in 1..12');
    const [y, m, d] = civilFromDays(daysFromCivil(year, month, day));
    if (y !== year || m !== month || d !== day) throw new Error('ValueError: day is out of range for month');
  }

  static make(...args: unknown[]): PyDate {
    const a = bindArgs(args, ['year', 'month', 'day']);
    return new PyDate(int(a.year), int(a.month), int(a.day));
  }
  static today(): PyDate {
    const now = new Date();
    return new PyDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
  }
  static fromisoformat(s: unknown): PyDate {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(String(s).trim());
    if (!m) throw new Error(`ValueError: Invalid isoformat string: '${String(s)}'`);
    return new PyDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  static fromordinal(n: unknown): PyDate {
    const [y, m, d] = civilFromDays(Number(n) - 1 - EPOCH_DAYS);
    return new PyDate(y, m, d);
  }

  /** Days since 1970-01-01. */
  protected epochDays(): number {
    return daysFromCivil(this.year, this.month, this.day);
  }
  toordinal(): number {
    return this.epochDays() + EPOCH_DAYS + 1;
  }
  weekday(): number {
    return (((this.epochDays() + 3) % 7) + 7) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  isocalendar(): unknown[] {
    const thursday = this.epochDays() - this.weekday() + 3;
    const [isoYear] = civilFromDays(thursday);
    const week = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
    return pyTuple([isoYear, week, this.isoweekday()]);
  }
  replace(...args: unknown[]): PyDate {
    const a = bindArgs(args, ['year', 'month', 'day']);
    return new PyDate(int(a.year, this.year), int(a.month, this.month), int(a.day, this.day));
  }
  protected fields(): TimeFields {
    return { year: this.year, month: this.month, day: this.day, hour: 0, minute: 0, second: 0, microsecond: 0, weekday: this.weekday(), yday: this.epochDays() - daysFromCivil(this.year, 1, 1) + 1, offsetMinutes: null, tzname: null };
  }
  strftime(fmt: unknown): string {
    return strftime(String(fmt), this.fields());
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  ctime(): string {
    return this.strftime('%a %b %e %H:%M:%S %Y');
  }
  __add__(o: unknown): unknown {
    if (!(o instanceof TimeDelta)) return NOT_IMPLEMENTED;
    const [y, m, d] = civilFromDays(this.epochDays() + Number(floorDiv(o.us, US_PER_DAY)));
    return new PyDate(y, m, d);
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    if (o instanceof TimeDelta) return this.__add__(new TimeDelta(-o.us));
    if (o instanceof PyDate && !(o instanceof DateTime)) return new TimeDelta(BigInt(this.epochDays() - o.epochDays()) * US_PER_DAY);
    return NOT_IMPLEMENTED;
  }
  __eq__(o: unknown): boolean {
    return o instanceof PyDate && !(o instanceof DateTime) && o.epochDays() === this.epochDays();
  }
  __lt__(o: unknown): boolean {
    return o instanceof PyDate && this.epochDays() < o.epochDays();
  }
  __gt__(o: unknown): boolean {
    return o instanceof PyDate && this.epochDays() > o.epochDays();
  }
  /** Python's repr() (a list of dates prints `[datetime.date(2024, 1, 2)]`). */
  __repr__(): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
  toString(): string {
    return this.isoformat();
  }
}

export class PyTime {
  constructor(readonly hour: number, readonly minute: number, readonly second: number, readonly microsecond: number, readonly tzinfo: TzLike | null) {}
  static make(...args: unknown[]): PyTime {
    const a = bindArgs(args, ['hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    return new PyTime(int(a.hour), int(a.minute), int(a.second), int(a.microsecond), isTz(a.tzinfo) ? a.tzinfo : null);
  }
  isoformat(): string {
    return `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
  }
  strftime(fmt: unknown): string {
    return strftime(String(fmt), { year: 1900, month: 1, day: 1, hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, weekday: 0, yday: 1, offsetMinutes: null, tzname: null });
  }
  toString(): string {
    return this.isoformat();
  }
}

export class DateTime extends PyDate {
  constructor(year: number, month: number, day: number, readonly hour = 0, readonly minute = 0, readonly second = 0, readonly microsecond = 0, readonly tzinfo: TzLike | null = null) {
    super(year, month, day);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || microsecond < 0 || microsecond > 999999)
      throw new Error('ValueError: time field out of range');
  }

  static override make(...args: unknown[]): DateTime {
    const a = bindArgs(args, ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    return new DateTime(int(a.year), int(a.month), int(a.day), int(a.hour), int(a.minute), int(a.second), int(a.microsecond), isTz(a.tzinfo) ? a.tzinfo : null);
  }

  /** A datetime from microseconds since 0001-01-01 (local wall time). */
  static fromLocalUs(us: bigint, tz: TzLike | null): DateTime {
    const days = Number(floorDiv(us, US_PER_DAY));
    let rest = Number(mod(us, US_PER_DAY));
    const micro = rest % 1e6;
    rest = Math.floor(rest / 1e6);
    const [y, m, d] = civilFromDays(days - EPOCH_DAYS);
    return new DateTime(y, m, d, Math.floor(rest / 3600), Math.floor(rest / 60) % 60, rest % 60, micro, tz);
  }

  /** The wall time of a JS Date in the machine's time zone (naive), or in `tz` (aware). */
  static fromJsDate(date: Date, tz: TzLike | null): DateTime {
    if (tz) return tz.fromUtc(DateTime.fromLocalUs(BigInt(date.getTime()) * 1000n + BigInt(EPOCH_DAYS) * US_PER_DAY, null));
    return new DateTime(date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds() * 1000);
  }

  static now(...args: unknown[]): DateTime {
    const { tz } = bindArgs(args, ['tz']);
    return DateTime.fromJsDate(new Date(), isTz(tz) ? tz : null);
  }
  static override today(): DateTime {
    return DateTime.now();
  }
  static utcnow(): DateTime {
    const d = DateTime.now({ tz: UTC, __keywords: true });
    return d.replace({ tzinfo: null, __keywords: true }) as DateTime;
  }
  static fromtimestamp(...args: unknown[]): DateTime {
    const { timestamp, tz } = bindArgs(args, ['timestamp', 'tz']);
    return DateTime.fromJsDate(new Date(Number(timestamp) * 1000), isTz(tz) ? tz : null);
  }
  static utcfromtimestamp(ts: unknown): DateTime {
    return DateTime.fromtimestamp(ts, UTC).replace({ tzinfo: null, __keywords: true }) as DateTime;
  }
  static strptime(s: unknown, fmt: unknown): DateTime {
    const f = strptimeFields(String(s), String(fmt));
    const tz = f.offsetMinutes === null ? null : f.offsetMinutes === 0 && f.tzname === 'UTC' ? UTC : new FixedOffset(f.offsetMinutes, f.tzname ?? offsetText(f.offsetMinutes, 'UTC'));
    return new DateTime(f.year, f.month, f.day, f.hour, f.minute, f.second, f.microsecond, tz);
  }
  static override fromisoformat(s: unknown): DateTime {
    const text = String(s).trim();
    const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/.exec(text);
    if (!m) throw new Error(`ValueError: Invalid isoformat string: '${text}'`);
    let tz: TzLike | null = null;
    if (m[8] === 'Z') tz = UTC;
    else if (m[8]) {
      const [, sign, hh, mm = '0'] = /^([+-])(\d{2}):?(\d{2})?/.exec(m[8])!;
      const minutes = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
      tz = minutes === 0 ? UTC : new FixedOffset(minutes, offsetText(minutes, 'UTC'));
    }
    return new DateTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '').padEnd(6, '0')), tz);
  }
  static combine(date: unknown, time: unknown): DateTime {
    const d = date as PyDate;
    const t = time as PyTime;
    return new DateTime(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, t.tzinfo);
  }

  localUs(): bigint {
    return BigInt(this.epochDays() + EPOCH_DAYS) * US_PER_DAY + BigInt(((this.hour * 60 + this.minute) * 60 + this.second) * 1e6 + this.microsecond);
  }
  private offset(): number | null {
    return this.tzinfo ? this.tzinfo.offsetMinutes(this) : null;
  }
  /** Microseconds since 0001-01-01 UTC (naive: the wall time as if UTC). */
  private utcUs(): bigint {
    return this.localUs() - BigInt(this.offset() ?? 0) * 60n * US_PER_SEC;
  }

  utcoffset(): TimeDelta | null {
    const o = this.offset();
    return o === null ? null : new TimeDelta(BigInt(o) * 60n * US_PER_SEC);
  }
  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.tzname(this) : null;
  }
  date(): PyDate {
    return new PyDate(this.year, this.month, this.day);
  }
  time(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond, null);
  }
  override replace(...args: unknown[]): DateTime {
    const a = bindArgs(args, ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    const tz = 'tzinfo' in a ? (isTz(a.tzinfo) ? a.tzinfo : null) : this.tzinfo;
    return new DateTime(int(a.year, this.year), int(a.month, this.month), int(a.day, this.day), int(a.hour, this.hour), int(a.minute, this.minute), int(a.second, this.second), int(a.microsecond, this.microsecond), tz);
  }
  astimezone(tz?: unknown): DateTime {
    return (isTz(tz) ? tz : UTC).fromUtc(DateTime.fromLocalUs(this.utcUs(), null));
  }
  /** Seconds since the epoch; a naive datetime is read in the machine's time zone, as Python does. */
  timestamp(): unknown {
    if (this.tzinfo) return toPyFloat(Number(this.utcUs() - BigInt(EPOCH_DAYS) * US_PER_DAY) / 1e6);
    const js = new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000));
    js.setFullYear(this.year);
    return toPyFloat(js.getTime() / 1000 + (this.microsecond % 1000) / 1e6);
  }
  protected override fields(): TimeFields {
    return { ...super.fields(), hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, offsetMinutes: this.offset(), tzname: this.tzname() };
  }
  override isoformat(sep: unknown = 'T'): string {
    const time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
    const o = this.offset();
    return `${super.isoformat()}${String(sep)}${time}${o === null ? '' : offsetText(o, '')}`;
  }
  override __add__(o: unknown): unknown {
    if (!(o instanceof TimeDelta)) return NOT_IMPLEMENTED;
    return DateTime.fromLocalUs(this.localUs() + o.us, this.tzinfo);
  }
  override __sub__(o: unknown): unknown {
    if (o instanceof TimeDelta) return DateTime.fromLocalUs(this.localUs() - o.us, this.tzinfo);
    if (o instanceof DateTime) {
      if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
      return new TimeDelta(this.utcUs() - o.utcUs());
    }
    return NOT_IMPLEMENTED;
  }
  override __eq__(o: unknown): boolean {
    return o instanceof DateTime && (this.tzinfo === null) === (o.tzinfo === null) && this.utcUs() === o.utcUs();
  }
  override __lt__(o: unknown): boolean {
    if (!(o instanceof DateTime)) return false;
    if ((this.tzinfo === null) !== (o.tzinfo === null)) throw new TypeError("can't compare offset-naive and offset-aware datetimes");
    return this.utcUs() < o.utcUs();
  }
  override __gt__(o: unknown): boolean {
    return o instanceof DateTime && o.__lt__(this);
  }
  override __repr__(): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.second || this.microsecond) parts.push(this.second);
    if (this.microsecond) parts.push(this.microsecond);
    const tz = this.tzinfo ? `, tzinfo=${String(this.tzinfo)}` : '';
    return `datetime.datetime(${parts.join(', ')}${tz})`;
  }
  override toString(): string {
    return this.isoformat(' ');
  }
}

/** `+05:30` (or `sign` + text for zero when `zero` is given, e.g. 'UTC'). */
export function offsetText(minutes: number, zero: string): string {
  if (minutes === 0 && zero) return zero;
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(Math.round(a % 60))}`;
}

/** A class callable from templates (`datetime(2020, 1, 1)`) that keeps its static methods (`datetime.now()`). */
function pyClass<T extends { make(...a: unknown[]): unknown }>(cls: T, statics: readonly string[]): ((...a: unknown[]) => unknown) & Record<string, unknown> {
  const fn = (...args: unknown[]) => cls.make(...args);
  for (const name of statics) Object.defineProperty(fn, name, { value: (cls as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!.bind(cls), enumerable: true });
  return fn as ((...a: unknown[]) => unknown) & Record<string, unknown>;
}

/** `modules.datetime`. */
export const datetimeModule: Record<string, unknown> = {
  date: pyClass(PyDate, ['today', 'fromisoformat', 'fromordinal']),
  datetime: pyClass(DateTime, ['now', 'today', 'utcnow', 'fromtimestamp', 'utcfromtimestamp', 'strptime', 'fromisoformat', 'combine', 'fromordinal']),
  time: pyClass(PyTime, []),
  timedelta: pyClass(TimeDelta, []),
  tzinfo: FixedOffset,
  MINYEAR: 1,
  MAXYEAR: 9999,
};
