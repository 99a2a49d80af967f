import { sqlString } from '../../render/placeholders.js';

/*
 * to_date / to_timestamp (Postgres, Snowflake, Redshift, Oracle, Databricks): ClickHouse has neither
 * (UNKNOWN_FUNCTION). Written as what gives their answer:
 * - to_date(s, 'template') / to_timestamp(s, 'template'): the text read with the template. Postgres' and
 *   Snowflake's templates (YYYY, MM, DD, HH24, MI, SS, Mon, Month, AM, "text") become ClickHouse's Joda
 *   syntax, numbers of one or two digits alike ('2024-1-5' reads as 'YYYY-MM-DD' does on Postgres); a Java
 *   pattern (Databricks: 'yyyy-MM-dd HH:mm:ss', told apart by its lower-case `mm` minutes) is Joda already.
 *   A template with fractions of seconds, time zones, week or day names is left as written (an error, never
 *   another answer: ClickHouse reads '.5' for 'SSS' as 5 milliseconds);
 * - to_timestamp(n) (epoch seconds, fractions kept), to_timestamp(text) (Snowflake: a date/time text) and
 *   Snowflake's to_timestamp(n, scale) (n in 10^-scale seconds);
 * - to_date(x): the date of a text, timestamp or Snowflake's epoch-seconds text.
 * A date is a Date32 (1900–2299: ClickHouse's Date would make 1960-01-01 1970-01-01 or wrap it), a timestamp a
 * DateTime64(6) (Postgres' and Snowflake's microseconds; no table built before held one, as no such call ran).
 */
export function toDateExpression(args: readonly string[]): string | undefined {
  if (args.length === 1 || (args.length === 2 && /^'auto'$/i.test(args[1]!))) return `toDate32(toDateTime64(${args[0]}, 6))`;
  const joda = args.length === 2 ? jodaTemplate(args[1]!) : undefined;
  return joda === undefined ? undefined : `toDate32(parseDateTime64InJodaSyntax(${args[0]}, ${sqlString(joda)}))`;
}

export function toTimestampExpression(args: readonly string[]): string | undefined {
  if (args.length === 1 || (args.length === 2 && /^'auto'$/i.test(args[1]!))) return `toDateTime64(${args[0]}, 6)`;
  if (args.length !== 2) return undefined;
  const scale = /^\d$/.exec(args[1]!);
  if (scale) return scale[0] === '0' ? `toDateTime64(${args[0]}, 6)` : `toDateTime64((${args[0]}) / 1e${scale[0]}, 6)`;
  const joda = jodaTemplate(args[1]!);
  return joda === undefined ? undefined : `toDateTime64(parseDateTime64InJodaSyntax(${args[0]}, ${sqlString(joda)}), 6)`;
}

/** Postgres'/Snowflake's template tokens (any case) as Joda's; the first that matches wins. */
const TOKENS: [RegExp, string][] = [
  [/^YYYY/i, 'yyyy'],
  [/^YY/i, 'yy'],
  [/^MONTH/i, 'MMMM'],
  [/^MON/i, 'MMM'],
  [/^MM/i, 'M'],
  [/^DDD/i, 'D'],
  [/^DD/i, 'd'],
  [/^HH24/i, 'H'],
  [/^HH12/i, 'h'],
  [/^HH/i, 'h'],
  [/^MI/i, 'm'],
  [/^SS/i, 's'],
  [/^(AM|PM|A\.M\.|P\.M\.)/i, 'a'],
];

/** A template literal (`'YYYY-MM-DD'`) as a Joda pattern, or undefined when it has a token not read here. */
function jodaTemplate(literal: string): string | undefined {
  const m = /^'((?:[^'\\]|'')*)'$/.exec(literal);
  if (!m) return undefined;
  const template = m[1]!.replace(/''/g, "'");
  // A Java pattern: minutes are `mm` beside an upper-case `MM` month or `HH` hour, which no Postgres template writes.
  if (/mm/.test(template) && /MM|HH/.test(template)) return /^[yMdHhmsa\s\-/:.,T']*$/.test(template) && !/S/.test(template) ? template : undefined;
  let out = '';
  for (let i = 0; i < template.length; ) {
    const rest = template.slice(i);
    if (rest.startsWith('"')) {
      const close = template.indexOf('"', i + 1);
      if (close < 0) return undefined;
      out += `'${template.slice(i + 1, close).replace(/'/g, "''")}'`;
      i = close + 1;
      continue;
    }
    const token = TOKENS.find(([re]) => re.test(rest));
    if (token) {
      out += token[1];
      i += token[0].exec(rest)![0].length;
    } else if (/^[\s\-/:.,]/.test(rest)) {
      out += rest[0];
      i++;
    } else return undefined;
  }
  return out;
}
