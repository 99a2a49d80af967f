import { blankNonCode } from '../../shared/sql-statements.js';
import { operandStart } from './cast-rounding.js';
import { bareType, markedTupleTypes, markerIndexes } from './common-type-sites.js';

/*
 * dbt's warehouses refuse a numeric result too big for its type (Snowflake "Number out of representable
 * range", BigQuery "numeric overflow", Redshift "Numeric data overflow"; Postgres' numeric has no bound).
 * ClickHouse checks Decimal32/64 products and Decimal128 sums of two values, but multiplies and divides
 * Decimal128 and Decimal256 without a check (ClickHouse#38223): `toDecimal128('123456.78', 10) * 1000 *
 * 1.5` is -155097196.92… and a division whose dividend, scaled up by the divisor's scale, leaves the
 * 128 bits wraps too (9e27 / 1.5 at scale 10 was 7.9e17), and so do sum() and avg() of Decimal128s past
 * 128 bits. Under `dbt_semantics` a binary `*` or `/` whose result is a Decimal128 is computed with Decimal256's
 * own operator where its intermediate cannot pass 256 bits (a Decimal128 product never does), else — and for a
 * Decimal256 result — through multiplyDecimal/divideDecimal (exact at the result's scale, checked against 256 bits,
 * but some 50-100x slower: 6 s of CPU for a million products, measured on 26.7), a sum/avg of
 * Decimal128s over Decimal256, and each is brought back to ClickHouse's own result type with a checked
 * conversion: the same type and value where nothing overflows, DECIMAL_OVERFLOW where the value does not
 * fit (a quotient or mean that fits is now given). The operand and result types come from one EXPLAIN
 * QUERY TREE of a probe (as cast-rounding.ts); a query without such an operator or call runs none.
 * A sum() of Decimal256s has no wider type to run in: it runs as ClickHouse runs it and is DECIMAL_OVERFLOW where
 * its value has more than 76 digits (ClickHouse gave a value past its type's precision) or where its Int256 could
 * have wrapped past 2^255 (count × the largest |value| reaches 2^255 / 10^scale: values of 1e57 and more at scale
 * 10 over a billion rows); an avg() of Decimal256s (a Float64 from that Int256 sum) on the second rule. The check
 * reads count/max/min of the same values beside the call (ClickHouse fuses the count with the sum), only for
 * Decimal256 arguments; measured in BENCHMARKS.md. (A Decimal256 `+` or `-` past precision 76 is left: a binary
 * `+`/`-` is in most SQL, and each would need the probe.)
 */

/** A FixedString size no query uses, + the index of a probed expression (see common-type-sites.ts). */
export const ARITHMETIC_MARKER_BASE = 7013;

interface Range {
  readonly start: number;
  readonly end: number;
}

/** A binary `*` or `/`: its left operand (the chain before it: `a * b` of `a * b * c`), the operator and its right operand. */
export interface ArithmeticSite extends Range {
  readonly op: '*' | '/';
  readonly left: Range;
  readonly right: Range;
}

const KEYWORDS = new Set(['select', 'distinct', 'all', 'from', 'where', 'by', 'on', 'and', 'or', 'not', 'as', 'when', 'then', 'else', 'end', 'in', 'is',
  'like', 'ilike', 'between', 'except', 'replace', 'exclude', 'apply', 'interval', 'over', 'filter', 'union', 'limit', 'offset', 'having', 'join', 'with', 'asc', 'desc']);

/** A sum/avg (…OrNull, …If) call, with its OVER clause: its value argument (the first). */
export interface AggregateSite extends Range {
  readonly fn: 'sum' | 'avg';
  readonly arg: Range;
}

/** The sum() and avg() calls of `sql` (sumOrNull, sumIf…: their value argument), OVER included; not sum(DISTINCT …). */
export function aggregateSites(sql: string): AggregateSite[] {
  if (!/\b(?:sum|avg)/i.test(sql)) return [];
  const code = blankNonCode(sql);
  const sites: AggregateSite[] = [];
  for (const m of code.matchAll(/\b(sum|avg)(?:OrNull)?(If)?\s*\(/gi)) {
    if (code[m.index! - 1] === '.') continue;
    const open = m.index! + m[0].length - 1;
    const call = rightOperand(sql, code, m.index!);
    if (!call) continue;
    let depth = 0;
    let argEnd = -1;
    for (let i = open; i < call.end; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) {
        argEnd = argEnd < 0 ? i : argEnd;
        break;
      } else if (code[i] === ',' && depth === 1 && argEnd < 0) argEnd = i;
    }
    if (argEnd < 0 || (!m[2] && code[argEnd] === ',')) continue; // sum(x, y): not ours
    const arg = { start: open + 1, end: argEnd };
    if (/^\s*distinct\b/i.test(code.slice(arg.start, arg.end)) || code.slice(arg.start, arg.end).trim() === '') continue;
    sites.push({ start: m.index!, end: call.end, fn: m[1]!.toLowerCase() as 'sum' | 'avg', arg });
  }
  return sites;
}

/** The binary `*` and `/` of `sql` (not `select *`, `t.*`, `count(*)`), by position. */
export function arithmeticSites(sql: string): ArithmeticSite[] {
  if (!/[*/]/.test(sql)) return [];
  const code = blankNonCode(sql);
  // Comments blanked, literals kept: what is before an operator.
  const quoted = blankNonCode(sql, { keepQuoted: true });
  const sites: ArithmeticSite[] = [];
  for (const m of code.matchAll(/[*/]/g)) {
    const at = m.index!;
    const left = leftOperand(sql, code, quoted, at);
    const right = left && rightOperand(sql, code, at + 1);
    if (left && right) sites.push({ start: left.start, end: right.end, op: m[0] as '*' | '/', left, right });
  }
  return sites;
}

/** The operand chain ending right before the operator at `at` (`a * b` before `* c`), or undefined. */
function leftOperand(sql: string, code: string, quoted: string, at: number): Range | undefined {
  let k = at - 1;
  while (k >= 0 && /\s/.test(quoted[k]!)) k--;
  if (k < 0 || !/[A-Za-z0-9_$)'"`]/.test(sql[k]!)) return undefined;
  const end = k + 1;
  let start = operandStart(sql, code, at);
  for (;;) {
    if (start === undefined) return undefined;
    const word = /^[A-Za-z_][A-Za-z0-9_$.]*/.exec(code.slice(start))?.[0] ?? '';
    if (KEYWORDS.has(word.toLowerCase())) return undefined; // select *
    let j = start - 1;
    while (j >= 0 && /\s/.test(quoted[j]!)) j--;
    const before = /[A-Za-z_]+$/.exec(code.slice(Math.max(0, j - 7), j + 1))?.[0];
    if (before && /^(?:over|filter)$/i.test(before)) start = operandStart(sql, code, j + 1 - before.length); // sum(x) over (…)
    else if (code.slice(j - 1, j + 1) === '::') start = operandStart(sql, code, j - 1); // x::numeric
    else if (code[j] === '*' || code[j] === '/' || code[j] === '%') start = leftOperand(sql, code, quoted, j)?.start; // a * b * c
    else return { start, end };
  }
}

/** The operand starting after `from` (a unary sign, a name, number, literal, call, parenthesis or CASE, with `::T`, `[i]` and OVER after it), or undefined. */
function rightOperand(sql: string, code: string, from: number): Range | undefined {
  let i = from;
  const skip = () => {
    while (i < code.length && /\s/.test(code[i]!)) i++;
  };
  const closeParen = () => {
    let depth = 0;
    for (; i < code.length; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) return ++i, true;
    }
    return false;
  };
  skip();
  const start = i;
  if (code[i] === '-' || code[i] === '+') i++, skip();
  const c = sql[i];
  if (c === undefined) return undefined;
  if (code[i] === '(') {
    if (!closeParen()) return undefined;
  } else if ((c === "'" || c === '"' || c === '`') && code[i] === ' ') {
    // A literal or quoted name (blanked): past its closing quote (a quote inside is escaped or doubled).
    for (i++; i < sql.length && sql[i] !== c; i++) if (sql[i] === '\\') i++;
    while (sql[i] === c && sql[i + 1] === c) for (i += 2; i < sql.length && sql[i] !== c; i++) if (sql[i] === '\\') i++;
    if (sql[i] !== c) return undefined;
    i++;
  } else {
    const word = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*|^[0-9][0-9.]*(?:e[-+]?[0-9]+)?/i.exec(code.slice(i))?.[0];
    if (!word || KEYWORDS.has(word.toLowerCase())) return undefined;
    i += word.length;
    if (word.toLowerCase() === 'case') {
      let depth = 1;
      const words = /\b(case|end)\b/gi;
      words.lastIndex = i;
      for (let w = words.exec(code); w && depth > 0; w = words.exec(code)) {
        depth += w[1]!.toLowerCase() === 'case' ? 1 : -1;
        i = w.index + w[0].length;
      }
      if (depth > 0) return undefined;
    } else {
      const save = i;
      skip();
      if (code[i] === '(') {
        if (!closeParen()) return undefined;
      } else i = save;
    }
  }
  // Postfixes: `::T`, `[i]`, `over (…)` / `over w`, `filter (where …)`.
  for (;;) {
    const save = i;
    skip();
    const rest = code.slice(i, i + 16);
    if (rest.startsWith('::')) {
      i += 2;
      skip();
      const type = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i))?.[0];
      if (!type) return undefined;
      i += type.length;
      const after = i;
      skip();
      if (code[i] !== '(' || !closeParen()) i = after;
    } else if (rest.startsWith('[')) {
      const close = code.indexOf(']', i);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (/^(?:over|filter)\b/i.test(rest)) {
      i += /^\w+/.exec(rest)![0].length;
      skip();
      if (code[i] === '(') {
        if (!closeParen()) return undefined;
      } else {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i))?.[0];
        if (!name) return undefined;
        i += name.length;
      }
    } else {
      i = save;
      return { start, end: i };
    }
  }
}

interface Wrap extends Range {
  readonly before: string;
  readonly after: string;
  /** Text replacing `[start, end)` itself (an operator), instead of wrapping it. */
  readonly replace?: string;
}

/** `sql` with nested wraps applied: at one offset, closings (innermost first), then replacements, then openings (outermost first). */
function applyWraps(sql: string, wraps: readonly Wrap[]): string {
  type Event = { at: number; order: number; key: number; text: string; skip: number };
  const events: Event[] = [];
  wraps.forEach((w, id) => {
    if (w.replace !== undefined) events.push({ at: w.start, order: 1, key: 0, text: w.replace, skip: w.end - w.start });
    else {
      events.push({ at: w.start, order: 2, key: -w.end * 1e6 + id, text: w.before, skip: 0 });
      events.push({ at: w.end, order: 0, key: -w.start * 1e6 - id, text: w.after, skip: 0 });
    }
  });
  events.sort((a, b) => a.at - b.at || a.order - b.order || a.key - b.key);
  let out = '';
  let kept = 0;
  for (const e of events) {
    if (e.at < kept) continue;
    out += sql.slice(kept, e.at) + e.text;
    kept = e.at + e.skip;
  }
  return out + sql.slice(kept);
}

/** What the probe asks the type of: each binary site, its left and its right operand (3 ranges); each aggregate site and its argument (2). */
function probedRanges(binary: readonly ArithmeticSite[], aggregates: readonly AggregateSite[]): Range[] {
  return [...binary.flatMap((s) => [s, s.left, s.right]), ...aggregates.flatMap((s) => [s, s.arg])];
}

/** The probe: each probed range inside a tuple with its marker. */
export function arithmeticProbeSql(sql: string, binary: readonly ArithmeticSite[], aggregates: readonly AggregateSite[] = []): string {
  const ranges = probedRanges(binary, aggregates);
  const markers = markerIndexes(ranges.map((r) => sql.slice(r.start, r.end)));
  return applyWraps(sql, ranges.map((r, k) => ({ start: r.start, end: r.end, before: 'tupleElement(tuple(', after: `, toFixedString('', ${ARITHMETIC_MARKER_BASE + markers[k]!})), 1)` })));
}

const decimal = (type: string) => /^Decimal\((\d+),\s*(\d+)\)$/.exec(bareType(type));
const integer = (type: string) => /^U?Int(?:8|16|32|64|128|256)$/.test(bareType(type));

/** log10 of the largest magnitude an Int256 holds (2^255): what a Decimal256 intermediate may reach without wrapping. */
const INT256_DIGITS = 76.76;
const INTEGER_DIGITS: Readonly<Record<string, number>> = {
  Int8: 2.11, UInt8: 2.41, Int16: 4.52, UInt16: 4.82, Int32: 9.34, UInt32: 9.64, Int64: 18.97, UInt64: 19.27, Int128: 38.24, UInt128: 38.54, Int256: 76.77, UInt256: 77.07,
};
/** log10 of the largest magnitude a value of `type` has as an integer at its own scale (a Decimal(P, S): 10^P). */
const digits = (type: string) => (integer(type) ? INTEGER_DIGITS[bareType(type)] : Number(decimal(type)?.[1]));

/**
 * `throwIf(…)` (0 when it passes: added to the call, it keeps its value and type) for a Decimal256 sum or avg at
 * `scale` (see above): the same call (its -If / -OrNull and OVER kept) as count, max and min of its values.
 */
function decimal256SumCheck(sql: string, site: AggregateSite, scale: number): string {
  const call = (fn: string) => `${fn}${sql.slice(site.start + 3, site.end)}`;
  const wraps = `${call('count')} * greatest(abs(toFloat64(${call('max')})), abs(toFloat64(${call('min')}))) >= ${(2 ** 255).toPrecision(15)} / 1e${scale}`;
  const digits = site.fn === 'sum' ? `abs(toFloat64(${call('sum')})) >= 1e${76 - scale} OR ` : '';
  return `throwIf(${digits}${wraps}, 'Decimal math overflow (DECIMAL_OVERFLOW): ${site.fn === 'avg' ? 'an' : 'a'} ${site.fn}() of Decimal256 values past Decimal(76, ${scale}), as Snowflake, BigQuery and Redshift refuse it')`;
}

/** The wraps computing each Decimal128/256 site exactly and checked, given the probed types by index of probedRanges(). */
function checkedWraps(sql: string, binary: readonly ArithmeticSite[], aggregates: readonly AggregateSite[], types: ReadonlyMap<number, string>): Wrap[] {
  const wraps: Wrap[] = [];
  // Aggregate wraps first: around `sum(a * b)`'s argument, the same range as the product's wrap, they must be the outer one.
  aggregates.forEach((site, k) => {
    const [result, arg] = [types.get(3 * binary.length + 2 * k), types.get(3 * binary.length + 2 * k + 1)];
    const a = arg && decimal(arg);
    if (result && a && Number(a[1]) > 38) {
      wraps.push({ start: site.start, end: site.end, before: '(', after: ` + ${decimal256SumCheck(sql, site, Number(a[2]))})` });
      return;
    }
    // A Decimal64 or narrower sums into a Decimal128 (1e20 rows to overflow it).
    if (!result || !a || Number(a[1]) <= 18) return;
    wraps.push({ start: site.arg.start, end: site.arg.end, before: 'toDecimal256(', after: `, ${a[2]})` });
    const r = decimal(result);
    if (site.fn === 'sum' && r && r[1] === '38') wraps.push({ start: site.start, end: site.end, before: 'toDecimal128(', after: `, ${r[2]})` });
  });
  binary.forEach((site, k) => {
    const [result, left, right] = [types.get(3 * k), types.get(3 * k + 1), types.get(3 * k + 2)];
    const r = result && decimal(result);
    if (!r || !left || !right || (r[1] !== '38' && r[1] !== '76')) return;
    const scaleOf = (t: string) => (integer(t) ? 0 : decimal(t) ? Number(decimal(t)![2]) : undefined);
    const [sl, sr] = [scaleOf(left), scaleOf(right)];
    if (sl === undefined || sr === undefined) return;
    const s = Number(r[2]!);
    if (r[1] === '38') {
      // A Decimal128 result: Decimal256's own `*` or `/` where its intermediate (a product; a dividend scaled up by the
      // divisor's scale) provably fits 256 bits — exact, and ~50x cheaper than multiplyDecimal/divideDecimal —, then
      // toDecimal128 checks the value. A quotient is computed at its result's scale (an integer dividend's is the divisor's).
      const l = site.op === '*' ? sl : s;
      const fits = site.op === '*' ? digits(left)! + digits(right)! <= INT256_DIGITS : s >= sl && s >= sr && digits(left)! + (s - sl) + sr <= INT256_DIGITS;
      if (fits) {
        wraps.push({ start: site.start, end: site.end, before: 'toDecimal128(toDecimal256(', after: `, ${sr}), ${s})` });
        wraps.push({ start: site.left.end, end: site.right.start, before: '', after: '', replace: `, ${l}) ${site.op} toDecimal256(` });
        return;
      }
    }
    const fn = site.op === '*' ? 'multiplyDecimal' : 'divideDecimal';
    const [open, close] = r[1] === '38' ? ['toDecimal128(', `, ${s})`] : ['', ''];
    wraps.push({ start: site.start, end: site.end, before: `${open}${fn}(toDecimal256(`, after: `, ${sr}), ${s})${close}` });
    wraps.push({ start: site.left.end, end: site.right.start, before: '', after: '', replace: `, ${sl}), toDecimal256(` });
  });
  return wraps;
}

/** `sql` with its Decimal128/256 products, quotients and sums checked (see above), given the probe's EXPLAIN QUERY TREE dump. */
function withCheckedArithmetic(sql: string, binary: readonly ArithmeticSite[], aggregates: readonly AggregateSite[], dump: string): string {
  const ranges = probedRanges(binary, aggregates);
  const markers = markerIndexes(ranges.map((r) => sql.slice(r.start, r.end)));
  const byMarker = markedTupleTypes(dump, ARITHMETIC_MARKER_BASE, ranges.length);
  const types = new Map<number, string>();
  ranges.forEach((_, k) => {
    // One marker per text: the same text in two scopes (CTEs, UNION branches) may have two types; such a site is left as written.
    const seen = byMarker.get(markers[k]!) ?? [];
    const type = seen[0]?.[0];
    if (type && seen.every((o) => o[0] !== undefined && bareType(o[0]) === bareType(type))) types.set(k, type);
  });
  const wraps = checkedWraps(sql, binary, aggregates, types);
  return wraps.length > 0 ? applyWraps(sql, wraps) : sql;
}

/** `sql` with its Decimal128/256 `*` and `/` checked, using one EXPLAIN QUERY TREE of a probe; `sql` when none needs it or the probe fails. */
export function checkedDecimalSql(sql: string, explainSync: (statement: string) => string): string {
  const [binary, aggregates] = [arithmeticSites(sql), aggregateSites(sql)];
  if (binary.length + aggregates.length === 0) return sql;
  try {
    return withCheckedArithmetic(sql, binary, aggregates, explainSync(`EXPLAIN QUERY TREE ${arithmeticProbeSql(sql, binary, aggregates)}`));
  } catch {
    return sql;
  }
}

/** checkedDecimalSql() for callers that can wait: the EXPLAIN does not block the run's other threads. */
export async function checkedDecimalSqlAsync(sql: string, explain: (statement: string) => Promise<string>): Promise<string> {
  const [binary, aggregates] = [arithmeticSites(sql), aggregateSites(sql)];
  if (binary.length + aggregates.length === 0) return sql;
  try {
    return withCheckedArithmetic(sql, binary, aggregates, await explain(`EXPLAIN QUERY TREE ${arithmeticProbeSql(sql, binary, aggregates)}`));
  } catch {
    return sql;
  }
}
