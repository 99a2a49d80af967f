/*
 * to_char(date, 'YYYY-MM') / to_varchar (Postgres, Snowflake, Redshift, Oracle): a date or timestamp as text
 * in a template. ClickHouse has no to_char (UNKNOWN_FUNCTION); its formatDateTime takes MySQL-style
 * `%` codes. The template's tokens are translated one by one; a template with a token not listed here
 * (a number format such as '999D99', week numbers, fractions of seconds, …) gives undefined and the call
 * is left as written (an error rather than a different text).
 * - Postgres pads the full names (Month, Day: 9 characters) unless written FM…; Snowflake's MMMM is unpadded.
 * - The case of a name token is the case of its output (Mon → Jan, MON → JAN, mon → jan).
 */
const CODES: [RegExp, string][] = [
  [/^YYYY/i, '%Y'],
  [/^YY/i, '%y'],
  [/^MMMM/, '%M'],
  [/^MM/i, '%m'],
  [/^DDD/i, '%j'],
  [/^DD/i, '%d'],
  [/^HH24/i, '%H'],
  [/^HH12/i, '%I'],
  [/^HH/i, '%I'],
  [/^MI/i, '%i'],
  [/^SS/i, '%S'],
  [/^Q/i, '%Q'],
  [/^(AM|PM)/, '%p'],
];

/** Name tokens: code, case of the output, whether Postgres pads it to 9 characters. */
const NAMES: [RegExp, string, 'as is' | 'upper' | 'lower', boolean][] = [
  [/^FMMonth/, '%M', 'as is', false],
  [/^FMMONTH/, '%M', 'upper', false],
  [/^FMmonth/, '%M', 'lower', false],
  [/^FMDay/, '%W', 'as is', false],
  [/^FMDAY/, '%W', 'upper', false],
  [/^FMday/, '%W', 'lower', false],
  [/^Month/, '%M', 'as is', true],
  [/^MONTH/, '%M', 'upper', true],
  [/^month/, '%M', 'lower', true],
  [/^Day/, '%W', 'as is', true],
  [/^DAY/, '%W', 'upper', true],
  [/^day/, '%W', 'lower', true],
  [/^Mon/, '%b', 'as is', false],
  [/^MON/, '%b', 'upper', false],
  [/^mon/, '%b', 'lower', false],
  [/^Dy/, '%a', 'as is', false],
  [/^DY/, '%a', 'upper', false],
  [/^dy/, '%a', 'lower', false],
];

/** The ClickHouse expression for to_char(`value`, `template`) (template: the literal's text), or undefined. */
export function toCharExpression(value: string, template: string): string | undefined {
  const parts: string[] = [];
  let codes = '';
  const flush = () => {
    if (codes) parts.push(`formatDateTime(${value}, '${codes.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`);
    codes = '';
  };
  for (let rest = template; rest.length > 0; ) {
    const name = NAMES.find(([re]) => re.test(rest));
    if (name) {
      flush();
      const [re, code, letterCase, padded] = name;
      let e = `formatDateTime(${value}, '${code}')`;
      if (letterCase !== 'as is') e = `${letterCase}(${e})`;
      parts.push(padded ? `rightPad(${e}, 9, ' ')` : e);
      rest = rest.slice(re.exec(rest)![0].length);
      continue;
    }
    const code = CODES.find(([re]) => re.test(rest));
    if (code) {
      codes += code[1];
      rest = rest.slice(code[0].exec(rest)![0].length);
      continue;
    }
    const quoted = /^"([^"]*)"/.exec(rest);
    if (quoted) {
      codes += quoted[1]!.replace(/%/g, '%%');
      rest = rest.slice(quoted[0].length);
      continue;
    }
    if (/^[A-Za-z0-9]/.test(rest)) return undefined;
    codes += rest[0] === '%' ? '%%' : rest[0];
    rest = rest.slice(1);
  }
  flush();
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `concat(${parts.join(', ')})`;
}
