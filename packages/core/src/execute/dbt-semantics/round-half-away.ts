import { TIE_MARK } from '../../shared/round-tie-mark.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './select-frames.js';

/*
 * round(x[, n]) of a tie is away from zero on dbt's warehouses: round(avg(qty)) of 2 and 3 is 3 on Postgres (avg of
 * integers is numeric), Snowflake, BigQuery, Redshift, DuckDB — and on ClickHouse for a Decimal. ClickHouse rounds a
 * float half to even (2), and its avg, division and 2.5 are floats. Under dbt_semantics a float is rounded as the
 * warehouses round its decimal text: a tie of that text (0.285 → 0.29, where ClickHouse's binary value 0.28499999999999998
 * gives 0.28; 2.5 → 3) away from zero, as cast-rounding.ts does for a CAST; every other value, and every other type
 * (a Decimal rounds away from zero already, integers too), is ClickHouse's round. The result keeps round()'s type, but
 * for an integer rounded to tens or more (n < 0), which is rounded in a wider integer type (Int8–Int32 and UInt8–UInt32 in
 * Int64, 64 bits in Int128, 128 in Int256), as ClickHouse wraps past its type's range: round(-125::Int8, -1) = 120, 130 on
 * dbt's warehouses (their integers round as numerics).
 */
export function withRoundHalfAway(sql: string): string {
  if (!ROUND.test(sql)) return sql;
  const code = blankNonCode(sql);
  // Each call's span and arguments in `sql` as written, in order of their starts.
  const calls: { at: number; close: number; args: { start: number; end: number }[] }[] = [];
  for (const m of code.matchAll(new RegExp(ROUND.source, 'gi'))) {
    const at = m.index!;
    const open = code.indexOf('(', at);
    const close = closingParen(code, open);
    if (close < 0) continue;
    const args = splitTopLevel(code, open + 1, close);
    if (args.length === 0 && sql.slice(open + 1, close).trim() !== '') args.push({ start: open + 1, end: close });
    if (args.length < 1 || args.length > 2) continue;
    calls.push({ at, close, args });
  }
  // One pass: the text of [from, to) with each call in it rewritten, a call's arguments first (a nested round is
  // rewritten inside its enclosing one's x). Rewriting from the last call and lexing the grown text again for each
  // was quadratic: seconds for a model of a few hundred rounds.
  let next = 0;
  const render = (from: number, to: number): string => {
    const parts: string[] = [];
    let kept = from;
    while (next < calls.length && calls[next]!.at < to) {
      const { at, close, args } = calls[next++]!;
      const x = render(args[0]!.start, args[0]!.end).trim();
      const n = args.length === 2 ? render(args[1]!.start, args[1]!.end).trim() : '0';
      parts.push(sql.slice(kept, at), roundExpression(x, n));
      kept = close + 1;
    }
    parts.push(sql.slice(kept, to));
    return parts.join('');
  };
  return render(0, sql.length);
}

/**
 * round(x, n) with a float's tie away from zero. A float whose scaled value y = |x|·10^n lies within 1e-15·y of a
 * tie (k + ½: its decimal text's tie, 0.285 · 100 = 28.499999999999996) is rounded away, (k + 1) / 10^n; every other
 * value, and every other type, is ClickHouse's round. Cheap arithmetic: the rule runs on every row. x is written once
 * as a lambda's argument when it calls a function (toTypeName of an aggregate is no constant in its SELECT; a
 * bare name's is), so a nested round is not repeated either.
 */
function roundExpression(x: string, n: string): string {
  const plain = !x.includes('(');
  const v = plain ? `(${x})` : 'tsdbt_round_x';
  // 10^n as a factor that is exact: y = |x| · 10^n for n >= 0, |x| / 10^-n for a negative literal n.
  const negative = /^-\s*\d+$/.test(n);
  const scale = negative ? `pow(10, ${n.replace(/^-\s*/, '')})` : `pow(10, ${n})`;
  const y = negative ? `abs(toFloat64(${v})) / ${scale}` : `abs(toFloat64(${v})) * ${scale}`;
  const away = `sign(toFloat64(${v})) * (floor(${y}) + 1) ${negative ? '*' : '/'} ${scale}`;
  // An integer rounded to tens, hundreds… (n < 0) can pass its type's range, where ClickHouse wraps (round(-125::Int8, -1)
  // = 120; Postgres' numeric, Snowflake's NUMBER: -130): rounded in the next wider integer type.
  const own = /^\d+$/.test(n) ? `round(${v}, ${n})` : `round(CAST(${v}, ${widerInteger(`toTypeName(${v})`)}), ${n})`;
  const tie = `toTypeName(${v}${TIE_MARK}${y} < 1e15 AND abs(${y} - floor(${y}) - 0.5) <= 1e-15 * greatest(1, ${y})`;
  const body = `if(${tie}, CAST(${away}, toTypeName(${own})), ${own})`;
  return plain ? body : `arrayMap(tsdbt_round_x -> ${body}, [${x}])[1]`;
}

const ROUND = /(?<![\w$.`"])round\s*\(/i;

/** The type name `type` (a constant expression) with its integer type one step wider; any other type as it is. */
function widerInteger(type: string): string {
  const step = (from: string, to: string) => `match(${type}, '\\\\bU?Int(${from})\\\\b'), replaceRegexpOne(${type}, '\\\\bU?Int(${from})\\\\b', '${to}')`;
  return `multiIf(${step('8|16|32', 'Int64')}, ${step('64', 'Int128')}, ${step('128', 'Int256')}, ${type})`;
}
