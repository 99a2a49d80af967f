/*
 * Date part names as dbt's warehouses spell them (Snowflake's and Redshift's abbreviations, `date_trunc(month, d)`
 * unquoted) and as ClickHouse takes them: its dateadd/date_trunc want a full unit name (`'mm'`: "doesn't look like
 * datepart name"; `month` unquoted: an unknown identifier), its EXTRACT / date_part parser a name it knows (`dayofweek`,
 * `y`, `dayofyear`: a syntax error). Only names ClickHouse refuses are respelled.
 */

/** Units of dateadd / date_trunc (Snowflake's and Redshift's names and abbreviations) → ClickHouse's unit. */
export const DATE_PARTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    year: ['year', 'years', 'y', 'yy', 'yyyy', 'yr', 'yrs'],
    quarter: ['quarter', 'quarters', 'q', 'qtr', 'qtrs'],
    month: ['month', 'months', 'mm', 'mon', 'mons'],
    week: ['week', 'weeks', 'w', 'wk', 'woy'],
    day: ['day', 'days', 'd', 'dd'],
    hour: ['hour', 'hours', 'h', 'hh', 'hr', 'hrs'],
    minute: ['minute', 'minutes', 'mi', 'min', 'mins'],
    second: ['second', 'seconds', 's', 'sec', 'secs'],
  }).flatMap(([unit, names]) => names.map((n) => [n, unit])),
);

/**
 * Parts of EXTRACT / date_part → a name ClickHouse's parser takes with the same answer: the day of the week is
 * Snowflake's, Redshift's, DuckDB's and Postgres' `dow` (Sunday 0 … Saturday 6; BigQuery's and Databricks'
 * DAYOFWEEK count Sunday 1 … 7), its ISO form Monday 1 … Sunday 7, the week ISO's (as `week` on ClickHouse).
 */
export const EXTRACT_PARTS: Readonly<Record<string, string>> = {
  ...DATE_PARTS,
  ...Object.fromEntries(
    Object.entries({
      day: ['dayofmonth'],
      week: ['weekofyear', 'weekiso', 'week_iso', 'isoweek'],
      dow: ['dayofweek', 'weekday', 'dw'],
      isodow: ['dayofweekiso', 'weekday_iso', 'dow_iso', 'dw_iso'],
      doy: ['dayofyear', 'yearday', 'dy'],
      epoch: ['epoch_second', 'epoch_seconds'],
    }).flatMap(([part, names]) => names.map((n) => [n, part])),
  ),
};

/**
 * date_trunc(unit, x) as dbt's warehouses answer it (undefined: left as written). The unit as ClickHouse's date_trunc
 * takes it (Snowflake's `month` unquoted, `'mm'`); and a timestamp truncated to a week, month, quarter or year stays a
 * timestamp, as on Postgres, Snowflake, Redshift and DuckDB, where ClickHouse's is a Date (Date32 for a DateTime64):
 * `cast(date_trunc('month', ts) as varchar)` is '2024-01-01 00:00:00' there, and the column a timestamp. Converted back
 * to x's own type by if(0, x, …), whose type is the common one of x and its Date (a Date stays a Date, a time zone and a
 * DateTime64's scale are kept) — not CAST(…, toTypeName(x)): toTypeName of an aggregate (date_trunc('month', min(ts)),
 * a cohort's first month) or of an arrayJoin is no constant, and CAST refused it.
 */
export function dateTruncExpression(written: string, x: string): string | undefined {
  const m = /^\s*(?:'(\w+)'|([A-Za-z_]\w*))\s*$/.exec(written);
  const name = m?.[1] ?? m?.[2];
  const unit = name === undefined ? undefined : DATE_PARTS[name.toLowerCase()];
  if (unit === undefined) return undefined;
  // ClickHouse's own name, dateTrunc, which this rewrite does not read again.
  if (DATE_UNITS.has(unit)) return `if(0, ${x}, dateTrunc('${unit}', ${x}))`;
  return m?.[1] === unit ? undefined : `date_trunc('${unit}', ${x})`;
}

/** Units ClickHouse's date_trunc makes a Date of. */
const DATE_UNITS = new Set(['week', 'month', 'quarter', 'year']);

/** The part ClickHouse's EXTRACT/date_part parser takes for `written` (a name, or a quoted one for date_part); undefined when it takes it already. */
export function extractPart(written: string): string | undefined {
  const name = written.toLowerCase();
  const part = EXTRACT_PARTS[name];
  return part === undefined || TAKEN.has(name) ? undefined : part;
}

/** Names ClickHouse's EXTRACT parser reads itself, with the same answer (26.7). */
const TAKEN = new Set(['year', 'yyyy', 'yy', 'quarter', 'q', 'month', 'mm', 'week', 'wk', 'day', 'dd', 'd', 'dow', 'isodow', 'doy', 'hour', 'hh', 'minute', 'mi', 'second', 'ss', 'epoch']);

/**
 * EXTRACT(day|hour|minute|second FROM a - b) of two timestamps: the difference is an interval on Postgres, Redshift and
 * DuckDB ('3 days 05:00:00': day 3, hour 5), seconds on ClickHouse, which then refuses the part (Illegal type Int32 of
 * argument of function toDayOfMonth). Written as the interval's part when the difference is a number, the part of the
 * date as before when it is one (d - n, ts - interval …); both branches are valid for either type, so the constant
 * toTypeName picks. `x` is the difference as written (its text), `code` the same span blanked; undefined when `x` is no
 * subtraction of two values (a number or an interval subtracted: a date).
 */
export function intervalPartExpression(part: string, x: string, code: string): string | undefined {
  const native = ({ day: 'toDayOfMonth', hour: 'toHour', minute: 'toMinute', second: 'toSecond' } as Record<string, string>)[part];
  if (!native) return undefined;
  const difference = differenceSeconds(x, code);
  if (difference === undefined) return undefined;
  const { text, seconds } = difference;
  const interval = {
    day: `toInt64(trunc(${seconds} / 86400))`,
    hour: `toInt64(trunc(${seconds} / 3600)) % 24`,
    minute: `toInt64(trunc(${seconds} / 60)) % 60`,
    second: `toInt64(trunc(${seconds})) % 60`,
  }[part]!;
  return `multiIf(toTypeName(${text}) LIKE '%Int%' OR toTypeName(${text}) LIKE 'Decimal%', ${interval}, ${native}(toDateTime64(${text}, 6)))`;
}

/**
 * The difference `x` (text; `code` the same span blanked) of two values as seconds when it is a number (two dates'
 * difference is days, as Postgres' date - date: × 86400; two timestamps' seconds), `text` the difference without its
 * parentheses; undefined when `x` is no subtraction of two values (a number or an interval subtracted: a date).
 */
function differenceSeconds(x: string, code: string): { text: string; seconds: string } | undefined {
  let text = x.trim();
  let blank = code.trim();
  while (blank.startsWith('(') && closingAt(blank, 0) === blank.length - 1) {
    text = text.slice(1, -1).trim();
    blank = blank.slice(1, -1).trim();
  }
  const minus = topLevelMinus(blank);
  if (minus === undefined || /\binterval\b|\btoInterval/i.test(text)) return undefined;
  const subtrahend = text.slice(minus + 1).trim();
  if (/^[\d.]+$/.test(subtrahend) || text.slice(0, minus).trim() === '') return undefined;
  const isDate = (v: string) => `(toTypeName(${v}) LIKE '%Date%' AND toTypeName(${v}) NOT LIKE '%DateTime%')`;
  return { text, seconds: `toFloat64(${text}) * if(${isDate(text.slice(0, minus).trim())} AND ${isDate(subtrahend)}, 86400, 1)` };
}

/**
 * EXTRACT(epoch FROM x) / date_part('epoch', x): the seconds since 1970-01-01 00:00:00 UTC with their fraction (a
 * double, as on Postgres, Redshift and DuckDB), negative before 1970, and a difference of two timestamps' seconds
 * (`extract(epoch from ended_at - started_at)`, the common Postgres idiom) with its sign. ClickHouse reads it as
 * toUnixTimestamp: a UInt32, so a negative difference wrapped silently (-183849 s as 4294783447), a DateTime64's fraction
 * was dropped and a timestamp before 1970 refused. A date is its midnight in UTC (Postgres' 'nominal' seconds). Snowflake's
 * epoch_second is the whole seconds (an Int64). Both branches are valid for any date, timestamp or number type: the
 * constant toTypeName picks.
 */
export function epochExpression(written: string, x: string, code: string): string | undefined {
  const name = written.toLowerCase();
  if (EXTRACT_PARTS[name] !== 'epoch' && name !== 'epoch') return undefined;
  const difference = differenceSeconds(x, code);
  const text = difference?.text ?? x.trim();
  const number = `match(toTypeName(${text}), '^(Nullable[(])?(U?Int|Decimal|Float)')`;
  const seconds = `multiIf(${number}, ${difference?.seconds ?? `toFloat64(${text})`}, toUnixTimestamp64Micro(toDateTime64(${text}, 6, 'UTC')) / 1000000)`;
  return name === 'epoch' ? seconds : `toInt64(floor(${seconds}))`;
}

/** The index of the one binary minus at depth 0 of blanked `code`, when it is the only operator there. */
function topLevelMinus(code: string): number | undefined {
  let depth = 0;
  let found: number | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth > 0) continue;
    else if (c === '-') {
      if (code[i + 1] === '-' || found !== undefined || !/[\w)\]'"`\s]/.test(code.slice(0, i).trimEnd().slice(-1) || '(')) return undefined;
      found = i;
    } else if (/[+*/%|<>=!,]/.test(c) || (/[A-Za-z]/.test(c) && /^(and|or|not|is|between|like|in)\b/i.test(code.slice(i)) && !/[\w$]/.test(code[i - 1] ?? ' '))) return undefined;
  }
  return found;
}

function closingAt(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
