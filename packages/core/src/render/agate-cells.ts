import { jinjaJson } from './jinja-compat/filters.js';
import { DateTime, PyDate } from './modules/datetime.js';
import { pytzModule } from './modules/pytz.js';

/**
 * A warehouse value as a cell of dbt's agate table. dbt-clickhouse's driver (clickhouse-connect) hands
 * dbt-common's table_from_data_flat Python values, which agate's type tester keeps: a Date is a
 * `datetime.date`, a DateTime a `datetime.datetime` (naive, or aware when the column's type names a
 * zone other than UTC: clickhouse-connect's active_tz), integers and decimals numbers (ClickHouse
 * sends 64-bit integers as strings), lists and maps JSON text. Templates call `.strftime()`,
 * `.year`, `.isoformat()` on the dates and compare them (calogica/dbt_expectations 0.8.5,
 * elementary's `val.year is defined`); `{{ d }}` prints them as Python's str() does.
 */

const NUMERIC = /^(U?Int\d+|Float\d+|Decimal.*)$/;

/** The type without Nullable(…) / LowCardinality(…) around it. */
export function bareType(type: string): string {
  let t = type.trim();
  for (let m; (m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t)); ) t = m[1]!.trim();
  return t;
}

export function agateCell(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  // dbt-common's table_from_data_flat: a list or dict value is json.dumps'd (`[1, 2, 3, 4]`).
  if (Array.isArray(value) || (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)) {
    const inner = type ? /^Array\((.*)\)$/.exec(bareType(type))?.[1] : undefined;
    const items = Array.isArray(value) && inner ? value.map((v) => agateCell(v, inner)) : value;
    return jinjaJson(items, null, 0, { sortKeys: false, htmlSafe: false });
  }
  if (!type || typeof value !== 'string') return value;
  const t = bareType(type);
  if (NUMERIC.test(t) && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (/^Date(?:32)?$/.test(t)) return dateCell(value) ?? value;
  if (/^DateTime(?:64)?(?:\(|$)/.test(t)) return dateTimeCell(value, zoneOf(t)) ?? value;
  return value;
}

function dateCell(text: string): PyDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? new PyDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** `2024-01-02 03:04:05[.fraction]`; a fraction past microseconds is cut, as clickhouse-connect floors it. */
function dateTimeCell(text: string, zone: string | undefined): DateTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const micro = Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  const naive = new DateTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), micro);
  let value = naive;
  if (zone)
    try {
      const tz = (pytzModule.timezone as (name: string) => { localize?: (d: DateTime) => DateTime })(zone);
      if (tz.localize) value = tz.localize(naive);
    } catch {
      // a zone JS's Intl does not know: the wall time as ClickHouse wrote it
    }
  const beyond = (m[7] ?? '').slice(6);
  return /[1-9]/.test(beyond) ? new SubMicroDateTime(value, beyond) : value;
}

/**
 * A DateTime64(7–9) value past the microsecond. Python's datetime (clickhouse-connect's cell) cuts it to microseconds,
 * so `where ts > '{{ max_ts }}'` over run_query's max read the max row itself again: an incremental model appended it
 * a second time on every run. Its fields, arithmetic and comparisons are the microsecond datetime's; its text (str(),
 * isoformat(), tojson) keeps ClickHouse's digits, which compare as the stored value.
 */
class SubMicroDateTime extends DateTime {
  constructor(
    at: DateTime,
    private readonly beyond: string,
  ) {
    super(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond, at.tzinfo);
  }
  override isoformat(sep: unknown = 'T'): string {
    const text = super.isoformat(sep);
    // YYYY-MM-DD, the separator, HH:MM:SS, then the microseconds (when not 0) and the offset (when aware).
    const seconds = 10 + String(sep).length + 8;
    const rest = text.slice(seconds).replace(/^\.\d{6}/, '');
    return `${text.slice(0, seconds)}.${String(this.microsecond).padStart(6, '0')}${this.beyond}${rest}`;
  }
}

/** clickhouse-connect's active_tz: the zone in the type, none when it is UTC (naive UTC datetimes). */
function zoneOf(type: string): string | undefined {
  const m = /'([^']+)'\s*\)$/.exec(type);
  if (!m || UTC_NAMES.has(m[1]!)) return undefined;
  return m[1];
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu']);
