import type { ManifestNode } from '../../manifest/nodes.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './select-frames.js';
import { sqlString } from '../../render/placeholders.js';
import { toCharExpression } from './date-format.js';
import { numberFromFormat } from './number-format.js';
import { tryCastExpression } from './try-cast.js';
import { toDateExpression, toTimestampExpression } from './date-parse.js';
import { withRoundHalfAway } from './round-half-away.js';
import { DATE_PARTS, EXTRACT_PARTS, extractPart, intervalPartExpression, dateTruncExpression, epochExpression } from './date-parts.js';

/*
 * Functions of the warehouses dbt projects are written for (Postgres, Snowflake, Redshift, DuckDB) that
 * ClickHouse lacks by that name — "Function with name `md5` does not exist" fails the model. Under
 * dbt_semantics each call is written as the ClickHouse function with the same answer:
 * - md5(x): the lower-case hex text everywhere else; ClickHouse's MD5 is 16 bytes → lower(hex(MD5(x)))
 *   (`MD5` written so, ClickHouse's own, is left alone);
 * - split_part(s, delimiter, n): the n-th field, '' past the end, from the end when negative
 *   → splitByString(delimiter, s)[n];
 * - strpos(s, sub) → positionUTF8(s, sub) (characters, as utf8-text.ts); count_if(c) → countIf(c);
 * - bool_or(b) / bool_and(b) (Snowflake's boolor_agg / booland_agg): NULL over no rows or only NULLs → maxOrNull /
 *   minOrNull of toBool(b) (as dbt.bool_or);
 * - Snowflake's and Redshift's nvl(a, b) → coalesce(a, b); Snowflake's iff(c, a, b) → if(c, a, b) (a NULL condition
 *   gives b in both);
 * - Snowflake's, Redshift's and DuckDB's len(s): characters → lengthUTF8(s) (ClickHouse's length counts bytes);
 * - Snowflake's and Databricks' sha2(x[, bits]): the lower-case hex SHA-2 digest, 256 bits by default (0 too)
 *   → lower(hex(SHA256(x))) (SHA224/SHA384/SHA512 for those literal sizes);
 * - Snowflake's and Redshift's dateadd('day', n, d) (the part quoted, or abbreviated: 'dd', 'mm', 'yyyy'…): ClickHouse
 *   takes dateadd(day, n, d) only, and reads a quoted part as a plus() of three arguments (an error) → the part
 *   unquoted, spelled out (also date_add, timestampadd, timestamp_add);
 * - to_char(d, 'YYYY-MM') / Snowflake's to_varchar: a date template as formatDateTime (date-format.ts; other
 *   templates left as written);
 * - try_cast(x AS T) for numbers, text and dates: NULL where x does not read as T (try-cast.ts);
 * - stddev / stddev_samp / variance / var_samp(x) (also `distinct x`, `… filter (where …)`, `… over (…)`): a sample statistic of one value is NULL everywhere
 *   else, NaN on ClickHouse (which `coalesce(stddev(x), 0)` and `is null` do not see), and ClickHouse has no variance
 *   → if(count(x) > 1, stddevSamp(x) / varSamp(x), NULL); ClickHouse's own stddevSamp/varSamp are left alone;
 * - median(x): exact (the mean of the two middle values for an even count) on Snowflake, DuckDB, Redshift, Databricks;
 *   ClickHouse's median is its sampled, approximate quantile (not the same answer past 8,192 rows, nor twice)
 *   → quantileExactInclusive(0.5)(toNullable(toFloat64(x))), as percentile_cont(0.5) (ordered-set-aggregates.ts), a date's
 *   median a date, a Decimal(p, s)'s a Decimal(p + 3, s + 3) as on Snowflake;
 * - approx_count_distinct(x) → uniq(x) (an estimate on every warehouse); Postgres' every(b) → as bool_and.
 * - to_date(s, 'YYYY-MM-DD') / to_timestamp(s, template), to_timestamp(epoch), to_date(x) (date-parse.ts);
 * - log(b, x) (two arguments: base b) → log2/log10/log(x) / log(b). One-argument log(x) is left as ClickHouse's
 *   natural logarithm: it is base 10 on Postgres, Redshift and DuckDB but ln on BigQuery, Databricks, SQL Server and
 *   ClickHouse itself, so a dbt-clickhouse project's log(x) keeps its answer (write log10 / ln to say which).
 * - Snowflake's zeroifnull, nullifzero, div0, div0null, nvl2, contains, startswith/endswith, date_from_parts (and
 *   Postgres' make_date, BigQuery's date(y, m, d)), date(x) (as to_date(x): a Date32), charindex, array_size, square, to_number/to_decimal(x[, format][, p[, s]]) (a CAST, rounded by
 *   cast-rounding.ts; a format: number-format.ts); regexp_replace(s, p, r, 'g'|'i'|'gi') with Postgres' flags;
 * - Snowflake's to_timestamp_ntz/_ltz/_tz (as to_timestamp), getdate(), sysdate(), decode(x, search, result, …), try_to_number/
 *   try_to_decimal/try_to_numeric/try_to_double, add_months (month ends kept); Postgres' btrim, string_to_array, div,
 *   gen_random_uuid; Snowflake's uuid_string();
 * - round(x[, n]) of a float: a tie away from zero, as dbt's warehouses round (round-half-away.ts).
 * Text in strings and comments, a qualified name (`t.md5(`) and a column of that name are not calls; nor is a
 * call of a function the warehouse has under that very name (`userFunctions`: a project's own UDF, user-functions.ts).
 */
export function withWarehouseFunctionNames(node: ManifestNode, sql: string, userFunctions: ReadonlySet<string> = NONE, options: { clickhouseRound?: boolean; clickhouseDates?: ClickHouseDates } = {}): string {
  if (!CALL.test(sql) && !/\bround\s*\(/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  // round() first: the calls written here (try_cast's) round Decimals, as ClickHouse does. `clickhouseRound`: round() left
  // as ClickHouse's (an incremental table whose keys were stored so: stored-rounding.ts).
  // `clickhouseDates`: date(x) left as ClickHouse's (a table whose columns were stored so: stored-dates.ts), or as its
  // toDate(x) on a server without Date32, which has no DATE alias either (server-features.ts).
  return warehouseFunctionNames(options.clickhouseRound ? sql : withRoundHalfAway(sql), userFunctions, options.clickhouseDates);
}

/** Whether date(x) is ClickHouse's Date: as written (true), as toDate(x) ('toDate': a server before DATE, Date32), or a Date32 (false). */
export type ClickHouseDates = boolean | 'toDate';

const NONE: ReadonlySet<string> = new Set();

const NAMES = 'date_trunc|date_part|datepart|extract|md5|split_part|strpos|count_if|bool_or|bool_and|boolor_agg|booland_agg|nvl|iff|len|sha2|dateadd|date_add|timestampadd|timestamp_add|to_char|to_varchar|try_cast|stddev_samp|stddev|var_samp|variance|median|approx_count_distinct|every|to_date|to_timestamp|to_timestamp_ntz|to_timestamp_ltz|to_timestamp_tz|getdate|sysdate|decode|try_to_number|try_to_decimal|try_to_numeric|try_to_double|add_months|btrim|string_to_array|div|gen_random_uuid|uuid_string|log|zeroifnull|nullifzero|div0|div0null|nvl2|contains|startswith|endswith|date_from_parts|make_date|charindex|array_size|square|regexp_replace|to_number|to_decimal|to_numeric|date';
// `OrNull`: empty-aggregates.ts' combinator, added before these run (medianOrNull, stddevOrNull…).
const CALL = new RegExp(`\\b(${NAMES})(?:OrNull)?\\s*\\(`, 'i');
/** The names ClickHouse has itself (in any case: log, median, STDDEV…), which no user function can take. */
const BUILT_IN = /^(?:log|median|stddev|stddev_samp|var_samp|regexp_replace|date_trunc|date_part|datepart|extract|date)$/i;
/** A call of a rewritten name a warehouse's own function may have (whether user-functions.ts must list them). */
const USER_NAMED_CALL = new RegExp(`(?<![\\w$.\`"])(?!(?:log|median|stddev|stddev_samp|var_samp|regexp_replace|date_trunc|date_part|datepart|extract|date)\\s*\\()(${NAMES})\\s*\\(`, 'i');

/** Whether `sql` calls a name a rewrite here would take and a user function could have (not in a comment or string). */
export function callsUserFunctionName(sql: string): boolean {
  return USER_NAMED_CALL.test(sql) && USER_NAMED_CALL.test(blankNonCode(sql));
}

export function warehouseFunctionNames(sql: string, userFunctions: ReadonlySet<string> = NONE, clickhouseDates: ClickHouseDates = false): string {
  // One call at a time, the last one first (so an inner call is written before the call around it), until none is left.
  for (let out = sql; ; ) {
    const code = blankNonCode(out);
    const calls = [...code.matchAll(new RegExp(`(?<![\\w$.\`"])(${NAMES})(OrNull)?\\s*\\(`, 'gi'))].reverse().filter((m) => !(m[2] === undefined && userFunctions.has(m[1]!) && !BUILT_IN.test(m[1]!)));
    const edit = calls.map((m) => rewrite(out, code, m, clickhouseDates)).find((e) => e !== undefined);
    if (!edit) return out;
    out = out.slice(0, edit.at) + edit.text + out.slice(edit.end);
  }
}

function rewrite(sql: string, code: string, m: RegExpMatchArray, clickhouseDates: ClickHouseDates): { at: number; end: number; text: string } | undefined {
  const name = m[1]!;
  const at = m.index!;
  const open = at + m[0].length - 1;
  const close = closingParen(code, open);
  if (close < 0 || name === 'MD5') return undefined;
  // One string literal is blanked code only: still one argument.
  const args = splitTopLevel(code, open + 1, close);
  if (args.length === 0 && sql.slice(open + 1, close).trim() !== '') args.push({ start: open + 1, end: close });
  const text = (k: number) => sql.slice(args[k]!.start, args[k]!.end).trim();
  switch (name.toLowerCase()) {
    case 'md5':
      return args.length === 1 ? { at, end: close + 1, text: `lower(hex(MD5(${text(0)})))` } : undefined;
    case 'split_part':
      return args.length === 3 ? { at, end: close + 1, text: `splitByString(${text(1)}, ${text(0)})[${text(2)}]` } : undefined;
    case 'strpos':
      return { at, end: open, text: 'positionUTF8' };
    case 'count_if':
      return { at, end: open, text: 'countIf' };
    case 'nvl':
      return args.length === 2 ? { at, end: open, text: 'coalesce' } : undefined;
    case 'iff':
      return args.length === 3 ? { at, end: open, text: 'if' } : undefined;
    case 'len':
      return args.length === 1 ? { at, end: open, text: 'lengthUTF8' } : undefined;
    case 'sha2': {
      const bits = args.length === 1 ? '256' : args.length === 2 ? text(1) : '';
      const fn = ({ '0': 'SHA256', '224': 'SHA224', '256': 'SHA256', '384': 'SHA384', '512': 'SHA512' } as Record<string, string>)[bits];
      return fn ? { at, end: close + 1, text: `lower(hex(${fn}(${text(0)})))` } : undefined;
    }
    case 'dateadd':
    case 'date_add':
    case 'timestampadd':
    case 'timestamp_add': {
      const part = args.length === 3 ? /^\s*'(\w+)'\s*$/.exec(sql.slice(args[0]!.start, args[0]!.end)) : null;
      const unit = part ? DATE_PARTS[part[1]!.toLowerCase()] : undefined;
      return unit ? { at: args[0]!.start, end: args[0]!.end, text: unit } : undefined;
    }
    case 'date_trunc': {
      // Snowflake's date_trunc(month, d) / date_trunc('mm', d); a timestamp to a month stays a timestamp (date-parts.ts).
      const e = args.length === 2 ? dateTruncExpression(sql.slice(args[0]!.start, args[0]!.end), text(1)) : undefined;
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    case 'date_part':
    case 'datepart': {
      // date_part(year, d) / date_part('dayofweek', d): a part ClickHouse's parser reads; date_part('day', ts1 - ts2) an interval's.
      const m = args.length === 2 ? /^\s*(?:'(\w+)'|([A-Za-z_]\w*))\s*$/.exec(sql.slice(args[0]!.start, args[0]!.end)) : null;
      const written = m?.[1] ?? m?.[2];
      const epoch = written ? epochExpression(written, sql.slice(args[1]!.start, args[1]!.end), code.slice(args[1]!.start, args[1]!.end)) : undefined;
      if (epoch) return { at, end: close + 1, text: epoch };
      const interval = written ? intervalPartExpression(EXTRACT_PARTS[written.toLowerCase()] ?? '', sql.slice(args[1]!.start, args[1]!.end), code.slice(args[1]!.start, args[1]!.end)) : undefined;
      if (interval) return { at, end: close + 1, text: interval };
      const part = m ? (m[2] !== undefined ? (extractPart(m[2]) ?? m[2].toLowerCase()) : extractPart(m[1]!)) : undefined;
      return part ? { at, end: args[0]!.end, text: `date_part('${part}'` } : undefined;
    }
    case 'extract': {
      // EXTRACT(dayofweek FROM d): a part ClickHouse's parser reads (ClickHouse's own extract(s, pattern) has two arguments);
      // EXTRACT(day FROM ts1 - ts2) an interval's.
      const m = args.length === 1 ? /^(\s*)([A-Za-z_]\w*)(\s+from\b)/i.exec(code.slice(args[0]!.start, args[0]!.end)) : null;
      if (!m) return undefined;
      const from = args[0]!.start + m[0].length;
      const epoch = epochExpression(m[2]!, sql.slice(from, args[0]!.end), code.slice(from, args[0]!.end));
      if (epoch) return { at, end: close + 1, text: epoch };
      const interval = intervalPartExpression(EXTRACT_PARTS[m[2]!.toLowerCase()] ?? '', sql.slice(from, args[0]!.end), code.slice(from, args[0]!.end));
      if (interval) return { at, end: close + 1, text: interval };
      const part = extractPart(m[2]!);
      return part ? { at: args[0]!.start + m[1]!.length, end: args[0]!.start + m[1]!.length + m[2]!.length, text: part } : undefined;
    }
    case 'to_char':
    case 'to_varchar': {
      const template = args.length === 2 ? /^\s*'((?:[^'\\]|'')*)'\s*$/.exec(sql.slice(args[1]!.start, args[1]!.end)) : null;
      const e = template ? toCharExpression(text(0), template[1]!.replace(/''/g, "'")) : undefined;
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    case 'try_cast': {
      if (args.length !== 1) return undefined;
      const as = [...code.slice(args[0]!.start, args[0]!.end).matchAll(/\bas\b/gi)].map((m) => args[0]!.start + m.index!);
      const cut = as.filter((i) => depthAt(code, open + 1, i) === 0).pop();
      const e = cut === undefined ? undefined : tryCastExpression(sql.slice(args[0]!.start, cut).trim(), sql.slice(cut + 2, args[0]!.end));
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    case 'to_date':
    case 'to_timestamp':
    case 'to_timestamp_ntz':
    case 'to_timestamp_ltz':
    case 'to_timestamp_tz': {
      const all = args.map((_, k) => text(k));
      const e = name.toLowerCase() === 'to_date' ? toDateExpression(all) : toTimestampExpression(all);
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    // Snowflake's and Redshift's clock: the current timestamp (sysdate's in UTC).
    case 'getdate':
      return args.length === 0 ? { at, end: close + 1, text: 'now()' } : undefined;
    case 'sysdate':
      return args.length === 0 ? { at, end: close + 1, text: "now('UTC')" } : undefined;
    case 'decode': {
      // Snowflake's, Redshift's and Oracle's decode(x, search, result, …[, default]): a NULL search matches a NULL x.
      // (Postgres' decode(text, format) has two arguments: left alone.)
      if (args.length < 3) return undefined;
      const x = text(0);
      const pairs: string[] = [];
      for (let k = 1; k + 1 < args.length; k += 2) pairs.push(`((${x}) = (${text(k)}) OR ((${x}) IS NULL AND (${text(k)}) IS NULL)), ${text(k + 1)}`);
      return { at, end: close + 1, text: `multiIf(${pairs.join(', ')}, ${args.length % 2 === 0 ? text(args.length - 1) : 'NULL'})` };
    }
    case 'try_to_number':
    case 'try_to_decimal':
    case 'try_to_numeric': {
      // Snowflake's: NULL where the text is no NUMBER(p, s) (38, 0 by default), rounded at the scale (try-cast.ts).
      const digits = args.slice(1).map((_, k) => text(k + 1));
      if (args.length < 1 || args.length > 3 || digits.some((d) => !/^\d+$/.test(d))) return undefined;
      const e = tryCastExpression(text(0), `numeric(${digits[0] ?? '38'}, ${digits[1] ?? '0'})`);
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    case 'try_to_double': {
      const e = args.length === 1 ? tryCastExpression(text(0), 'double') : undefined;
      return e ? { at, end: close + 1, text: e } : undefined;
    }
    case 'add_months': {
      // Snowflake's, Redshift's and Oracle's: from a month's last day, the last day of the month reached (2024-02-29 + 1 = 03-31).
      if (args.length !== 2) return undefined;
      const moved = `addMonths(${text(0)}, ${text(1)})`;
      return { at, end: close + 1, text: `if(toDate(${text(0)}) = toLastDayOfMonth(${text(0)}), addDays(${moved}, dateDiff('day', toDate(${moved}), toLastDayOfMonth(${moved}))), ${moved})` };
    }
    // Postgres' btrim(s[, characters]), string_to_array(s, delimiter), div(a, b) (the quotient toward zero), gen_random_uuid();
    // Snowflake's uuid_string().
    case 'btrim':
      return args.length === 1 || args.length === 2 ? { at, end: open, text: 'trimBoth' } : undefined;
    case 'string_to_array':
      return args.length === 2 ? { at, end: close + 1, text: `splitByString(${text(1)}, ${text(0)})` } : undefined;
    case 'div':
      return args.length === 2 ? { at, end: open, text: 'intDiv' } : undefined;
    case 'gen_random_uuid':
      return args.length === 0 ? { at, end: close + 1, text: 'generateUUIDv4()' } : undefined;
    case 'uuid_string':
      return args.length === 0 ? { at, end: close + 1, text: 'toString(generateUUIDv4())' } : undefined;
    // Snowflake's (and Oracle's, SQL Server's, Postgres') small helpers, the same answers (NULL in, NULL out).
    case 'zeroifnull':
      return args.length === 1 ? { at, end: close + 1, text: `coalesce(${text(0)}, 0)` } : undefined;
    case 'nullifzero':
      return args.length === 1 ? { at, end: close + 1, text: `nullIf(${text(0)}, 0)` } : undefined;
    case 'div0':
    case 'div0null': {
      if (args.length !== 2) return undefined;
      const zero = name.toLowerCase() === 'div0' ? `(${text(1)}) = 0` : `coalesce((${text(1)}) = 0, true)`;
      return { at, end: close + 1, text: `if(${zero}, 0, (${text(0)}) / (${text(1)}))` };
    }
    case 'nvl2':
      return args.length === 3 ? { at, end: close + 1, text: `if((${text(0)}) IS NOT NULL, ${text(1)}, ${text(2)})` } : undefined;
    case 'contains':
      return args.length === 2 ? { at, end: close + 1, text: `(position(${text(0)}, ${text(1)}) > 0)` } : undefined;
    case 'startswith':
      return args.length === 2 && name !== 'startsWith' ? { at, end: open, text: 'startsWith' } : undefined;
    case 'endswith':
      return args.length === 2 && name !== 'endsWith' ? { at, end: open, text: 'endsWith' } : undefined;
    // date(x) (Snowflake, BigQuery, MySQL, Databricks; Postgres' function-style cast): ClickHouse's DATE is toDate, which
    // makes a day before 1970 1970-01-01 — as to_date(x), a Date32 (cast(x as date) is one: float-casts.ts); BigQuery's
    // date(y, m, d) as date_from_parts. date(ts, zone) is left as written.
    case 'date':
      if (args.length === 1)
        return clickhouseDates === 'toDate' ? { at, end: open, text: 'toDate' } : clickhouseDates ? undefined : { at, end: close + 1, text: toDateExpression([text(0)])! };
      return args.length === 3 ? { at, end: close + 1, text: dateFromParts(text(0), text(1), text(2)) } : undefined;
    case 'date_from_parts':
    case 'make_date':
      return args.length === 3 ? { at, end: close + 1, text: dateFromParts(text(0), text(1), text(2)) } : undefined;
    case 'charindex':
      return args.length === 2 || args.length === 3 ? { at, end: close + 1, text: `positionUTF8(${[text(1), text(0), ...(args.length === 3 ? [text(2)] : [])].join(', ')})` } : undefined;
    case 'array_size':
      return { at, end: open, text: 'length' }; // (splitTopLevel counts an array literal's commas)
    case 'square':
      return args.length === 1 ? { at, end: close + 1, text: `pow(${text(0)}, 2)` } : undefined;
    case 'to_number':
    case 'to_decimal':
    case 'to_numeric': {
      // Snowflake's: NUMBER(38, 0) unless given a precision and scale (integer literals); with a format (a string literal), number-format.ts.
      const digits = args.slice(1).map((_, k) => text(k + 1));
      if (args.length >= 2 && text(1).startsWith("'")) {
        const e = numberFromFormat(text(0), text(1), digits.slice(1));
        return e ? { at, end: close + 1, text: e } : undefined;
      }
      if (args.length < 1 || args.length > 3 || digits.some((d) => !/^\d+$/.test(d))) return undefined;
      return { at, end: close + 1, text: `CAST(${text(0)} AS Decimal(${digits[0] ?? '38'}, ${digits[1] ?? '0'}))` };
    }
    case 'regexp_replace': {
      // Postgres' and DuckDB's flags: 'g' replaces every match (else the first), 'i' ignores case; the literals are
      // Postgres strings (a backslash is itself: '\d', '\1'). Snowflake's position 1 is the whole text.
      if (args.length !== 4) return undefined;
      if (text(3) === '1') return { at, end: close + 1, text: `replaceRegexpAll(${text(0)}, ${text(1)}, ${text(2)})` };
      const flags = /^'([gi]*)'$/.exec(text(3))?.[1];
      const postgres = (k: number) => (/^'(?:[^']|'')*'$/.test(text(k)) ? text(k).slice(1, -1).replace(/''/g, "'") : undefined);
      const literal = (k: number, prefix = '') => { const t = postgres(k); return t === undefined ? (prefix ? `concat('${prefix}', ${text(k)})` : text(k)) : sqlString(prefix + t); };
      if (flags === undefined) return undefined;
      const pattern = literal(1, flags.includes('i') ? '(?i)' : '');
      return { at, end: close + 1, text: `${flags.includes('g') ? 'replaceRegexpAll' : 'replaceRegexpOne'}(${text(0)}, ${pattern}, ${literal(2)})` };
    }
    case 'log': {
      // log(b, x) is the base-b logarithm (Postgres, Snowflake, DuckDB, Databricks); ClickHouse's log takes one argument.
      if (args.length !== 2) return undefined;
      const fn = ({ '2': 'log2', '10': 'log10' } as Record<string, string>)[text(0)];
      return { at, end: close + 1, text: fn ? `${fn}(${text(1)})` : `(log(${text(1)}) / log(${text(0)}))` };
    }
    case 'bool_or':
    case 'boolor_agg':
      return args.length === 1 ? { at, end: close + 1, text: `maxOrNull(toBool(${text(0)}))` } : undefined;
    case 'bool_and':
    case 'booland_agg':
    case 'every':
      return args.length === 1 ? { at, end: close + 1, text: `minOrNull(toBool(${text(0)}))` } : undefined;
    case 'approx_count_distinct':
      return args.length === 1 ? { at, end: open, text: 'uniq' } : undefined;
    case 'median': {
      if (args.length !== 1 || /^distinct\b/i.test(text(0))) return undefined;
      const exact = `quantileExactInclusive(0.5)(toNullable(toFloat64(${text(0)})))`;
      // The mean of the middle values is a Float64: a median of dates/timestamps is cast back to the argument's type, as
      // ClickHouse's own median kept it, and a median of Decimal(p, s) is a Decimal(p + 3, s + 3), as Snowflake's (the
      // mean's decimal text read as it: a CAST of the Float64 would truncate 1.015 to 1.01499). toTypeName is a
      // constant here; a window call keeps the bare form.
      if (/^\s*over\b/i.test(code.slice(close + 1))) return { at, end: close + 1, text: exact };
      const type = `toTypeName(assumeNotNull(${text(0)}))`;
      const decimal = `${type} LIKE 'Decimal(%'`;
      const plain = `if(${type} LIKE '%Date%', concat('Nullable(', ${type}, ')'), 'Nullable(Float64)')`;
      const digits = (re: string) => `toString(least(76, toUInt32OrZero(extract(${type}, '${re}')) + 3))`;
      const decimalType = `concat('Nullable(Decimal(', ${digits('^Decimal\\\\((\\\\d+)')}, ', ', ${digits(', (\\\\d+)\\\\)$')}, '))')`;
      // A Decimal's middle values themselves (not via a Float64: past 15–17 digits it rounds, 12345678901234567.89 and .91
      // gave 12345678901234568), their mean at scale s + 3 (a half needs one more digit). Only a Decimal feeds these two
      // (other types give them NULLs, so they hold nothing)
      const scale = `toUInt8(least(76, toUInt32OrZero(extract(${type}, ', (\\\\d+)\\\\)$')) + 3))`;
      const middle = (fn: string) => `toDecimal256OrNull(toString(${fn}(0.5)(if(${decimal}, toNullable(${text(0)}), NULL))), ${scale})`;
      const decimalMean = `toString((${middle('quantileExactLow')} + ${middle('quantileExactHigh')}) / 2)`;
      // …and the Float64 one takes no Decimal (one exact state per median call, not three).
      const floatExact = `quantileExactInclusive(0.5)(if(${decimal}, NULL, toNullable(toFloat64(${text(0)}))))`;
      return { at, end: close + 1, text: `CAST(if(${decimal}, ${decimalMean}, toString(CAST(${floatExact}, ${plain}))), if(${decimal}, ${decimalType}, ${plain}))` };
    }
    case 'stddev':
    case 'stddev_samp':
    case 'variance':
    case 'var_samp': {
      if (args.length !== 1) return undefined;
      const fn = /^(stddev|stddev_samp)$/i.test(name) ? 'stddevSamp' : 'varSamp';
      // The count takes the call's DISTINCT, FILTER (WHERE …) and window: a statistic of one (distinct, passing) value is NULL.
      let end = close + 1;
      let clauses = '';
      const filter = /^\s*filter\s*\(/i.exec(code.slice(end));
      if (filter) {
        const filterEnd = closingParen(code, end + filter[0].length - 1) + 1;
        if (filterEnd <= 0) return undefined;
        clauses = ` FILTER ${sql.slice(end + filter[0].length - 1, filterEnd).trim()}`;
        end = filterEnd;
      }
      const over = /^\s*over\s*(\(|[A-Za-z_][\w$]*)/i.exec(code.slice(end));
      if (over) {
        const overEnd = over[1] === '(' ? closingParen(code, end + over[0].length - 1) + 1 : end + over[0].length;
        if (overEnd <= 0) return undefined;
        clauses += ` OVER ${sql.slice(end + over[0].length - over[1]!.length, overEnd).trim()}`;
        end = overEnd;
      }
      return { at, end, text: `if(count(${text(0)})${clauses} > 1, ${fn}(${text(0)})${clauses}, NULL)` };
    }
  }
  return undefined;
}

/** The parenthesis depth at `at` counted from `from` (blanked code). */
function depthAt(code: string, from: number, at: number): number {
  let depth = 0;
  for (let i = from; i < at; i++) if (code[i] === '(') depth++;
  else if (code[i] === ')') depth--;
  return depth;
}

/** Snowflake's date_from_parts: month 13 is next January and day 0 the month's eve — whole months and days added to January 1st. */
function dateFromParts(year: string, month: string, day: string): string {
  return `addDays(addMonths(makeDate32(${year}, 1, 1), (${month}) - 1), (${day}) - 1)`;
}
