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
const EXTRACT_PARTS: Readonly<Record<string, string>> = {
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

/** The ClickHouse unit for a dateadd/date_trunc part written `'mm'` or `month` (undefined: none, or already one ClickHouse takes as written). */
export function truncUnit(written: string): string | undefined {
  const m = /^\s*(?:'(\w+)'|([A-Za-z_]\w*))\s*$/.exec(written);
  const name = m?.[1] ?? m?.[2];
  const unit = name === undefined ? undefined : DATE_PARTS[name.toLowerCase()];
  return unit === undefined || m?.[1] === unit ? undefined : `'${unit}'`;
}

/** The part ClickHouse's EXTRACT/date_part parser takes for `written` (a name, or a quoted one for date_part); undefined when it takes it already. */
export function extractPart(written: string): string | undefined {
  const name = written.toLowerCase();
  const part = EXTRACT_PARTS[name];
  return part === undefined || TAKEN.has(name) ? undefined : part;
}

/** Names ClickHouse's EXTRACT parser reads itself, with the same answer (26.7). */
const TAKEN = new Set(['year', 'yyyy', 'yy', 'quarter', 'q', 'month', 'mm', 'week', 'wk', 'day', 'dd', 'd', 'dow', 'isodow', 'doy', 'hour', 'hh', 'minute', 'mi', 'second', 'ss', 'epoch']);
