/** Python's strftime / strptime directives (C locale), for modules.datetime. */

export interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Monday = 0. */
  weekday: number;
  /** Day of the year, 1-based. */
  yday: number;
  /** Offset east of UTC in minutes; null for a naive time. */
  offsetMinutes: number | null;
  tzname: string | null;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function weekOfYear(f: TimeFields, firstDay: 0 | 6): number {
  // %W: weeks start on Monday; %U: on Sunday. Days before the first such day are week 0.
  const wd = firstDay === 0 ? f.weekday : (f.weekday + 1) % 7;
  return Math.floor((f.yday + 6 - wd) / 7);
}

function offset(f: TimeFields, colon: boolean): string {
  if (f.offsetMinutes === null) return '';
  const sign = f.offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(f.offsetMinutes);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(Math.round(a % 60))}`;
}

export function strftime(fmt: string, f: TimeFields): string {
  const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const codes: Record<string, () => string> = {
    a: () => DAYS[f.weekday]!.slice(0, 3),
    A: () => DAYS[f.weekday]!,
    w: () => String((f.weekday + 1) % 7),
    d: () => pad(f.day),
    e: () => String(f.day).padStart(2, ' '),
    b: () => MONTHS[f.month - 1]!.slice(0, 3),
    h: () => MONTHS[f.month - 1]!.slice(0, 3),
    B: () => MONTHS[f.month - 1]!,
    m: () => pad(f.month),
    y: () => pad(f.year % 100),
    Y: () => String(f.year),
    H: () => pad(f.hour),
    I: () => pad(hour12),
    p: () => (f.hour < 12 ? 'AM' : 'PM'),
    M: () => pad(f.minute),
    S: () => pad(f.second),
    f: () => pad(f.microsecond, 6),
    z: () => offset(f, false),
    Z: () => f.tzname ?? '',
    j: () => pad(f.yday, 3),
    U: () => pad(weekOfYear(f, 6)),
    W: () => pad(weekOfYear(f, 0)),
    u: () => String(f.weekday + 1),
    c: () => strftime('%a %b %e %H:%M:%S %Y', f),
    x: () => strftime('%m/%d/%y', f),
    X: () => strftime('%H:%M:%S', f),
    D: () => strftime('%m/%d/%y', f),
    F: () => strftime('%Y-%m-%d', f),
    T: () => strftime('%H:%M:%S', f),
    '%': () => '%',
  };
  return fmt.replace(/%(:?)([A-Za-z%])/g, (whole, colon: string, c: string) => (colon && c === 'z' ? offset(f, true) : codes[c] ? codes[c]!() : whole));
}

/** Parses `text` with a strptime format; fields not in the format default as Python's (1900-01-01 00:00). */
export function strptimeFields(text: string, fmt: string): TimeFields {
  const groups: string[] = [];
  let source = '';
  const names = (list: string[], short: boolean) => `(${list.map((n) => (short ? n.slice(0, 3) : n)).join('|')})`;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      source += /\s/.test(c) ? '\\s*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = fmt[++i];
    const pattern: Record<string, string> = {
      Y: '(\\d{4})', m: '(\\d{1,2})', d: '(\\d{1,2})', H: '(\\d{1,2})', I: '(\\d{1,2})', M: '(\\d{1,2})', S: '(\\d{1,2})',
      f: '(\\d{1,6})', y: '(\\d{2})', j: '(\\d{1,3})', p: '(AM|PM|am|pm)', z: '(Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2})?)', Z: '(UTC|GMT|[A-Z]{2,5})?',
      b: names(MONTHS, true), B: names(MONTHS, false), a: names(DAYS, true), A: names(DAYS, false), '%': '(%)',
    };
    const p = d === undefined ? undefined : pattern[d];
    if (!p) throw new Error(`ValueError: '${d}' is a bad directive in format '%${d}'`);
    groups.push(d!);
    source += p;
  }
  const m = new RegExp(`^${source}$`, 'i').exec(text);
  if (!m) throw new Error(`ValueError: time data '${text}' does not match format '${fmt}'`);
  const f: TimeFields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0, weekday: 0, yday: 1, offsetMinutes: null, tzname: null };
  let pm: boolean | undefined;
  groups.forEach((g, k) => {
    const v = m[k + 1];
    if (v === undefined) return;
    const lower = v.toLowerCase();
    switch (g) {
      case 'Y': f.year = Number(v); break;
      case 'y': f.year = Number(v) + (Number(v) < 69 ? 2000 : 1900); break;
      case 'm': f.month = Number(v); break;
      case 'd': f.day = Number(v); break;
      case 'H': case 'I': f.hour = Number(v); break;
      case 'M': f.minute = Number(v); break;
      case 'S': f.second = Number(v); break;
      case 'f': f.microsecond = Number(v.padEnd(6, '0')); break;
      case 'p': pm = lower === 'pm'; break;
      case 'b': case 'B': f.month = MONTHS.findIndex((n) => n.toLowerCase().startsWith(lower.slice(0, 3))) + 1; break;
      case 'z': {
        if (v.toUpperCase() === 'Z') f.offsetMinutes = 0;
        else {
          const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})/.exec(v)!;
          f.offsetMinutes = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
        }
        break;
      }
      case 'Z': f.tzname = v; break;
    }
  });
  if (pm !== undefined && groups.includes('I')) f.hour = (f.hour % 12) + (pm ? 12 : 0);
  return f;
}
