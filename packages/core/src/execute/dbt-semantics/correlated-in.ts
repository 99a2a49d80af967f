import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { operandStart } from './cast-rounding.js';
import { closingParen } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * `x IN (SELECT y FROM t2 WHERE t2.k = t1.k)` (or `IN (WITH … SELECT …)`), a subquery reading the outer query: ClickHouse 26.7 refuses it
 * (NOT_IMPLEMENTED "Correlated subqueries are not supported as IN function arguments yet"); every other warehouse
 * runs it. It decorrelates an EXISTS, so under dbt_semantics such an IN runs as SQL's three-valued IN over two:
 *   multiIf(EXISTS (SELECT 1 FROM (<subquery>) AS __tsdbt_in WHERE __tsdbt_in.* = (x)), 1,
 *           ((x) IS NULL AND EXISTS (…) OR EXISTS (… WHERE __tsdbt_in.* IS NULL)), NULL, 0)
 * — NULL where Postgres gives NULL (a selected flag, `NOT (x IN …)`), and `x NOT IN (…)` the same with 0 and 1
 * swapped (as not-in-nulls.ts for an uncorrelated one). Correlated: the subquery names a table or alias (`t1.k`) it does not define itself; an IN whose subquery
 * reads only its own tables keeps ClickHouse's set lookup. Left as written: `NOT x IN`, GLOBAL IN, a tuple on the
 * left, and an operand that is not a whole condition (`a + b IN (…)`: only after WHERE, AND, OR, ON, WHEN…, `(`, `,`).
 */
export function withCorrelatedInAsExists(node: ManifestNode, sql: string): string {
  if (!/\bin\s*\(\s*(?:select|with)\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return correlatedInAsExists(sql);
}

/** Words after which an operand is a whole condition. */
const BEFORE = new Set(['where', 'and', 'or', 'on', 'having', 'when', 'then', 'else', 'select', 'prewhere', 'qualify']);
/** Words after FROM/JOIN that are not an alias. */
const NOT_ALIAS = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'outer', 'on', 'using', 'group', 'order', 'having', 'limit', 'union', 'final', 'sample', 'array', 'global', 'any', 'all', 'semi', 'anti', 'asof', 'prewhere', 'qualify', 'window', 'settings', 'except', 'intersect']);

export function correlatedInAsExists(sql: string): string {
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const m of code.matchAll(/(?<![\w$.])(not\s+)?in\s*\((?=\s*(?:select|with)\b)/gi)) {
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    const left = close < 0 ? undefined : operandStart(sql, code, m.index!);
    if (left === undefined || edits.some((e) => e.start < close && left < e.end)) continue;
    const operand = code.slice(left, m.index!).trim();
    const before = /([A-Za-z_]+|[(,])\s*$/.exec(code.slice(0, left))?.[1]?.toLowerCase();
    if (!operand || operand.startsWith('(') || before === undefined || !(before === '(' || before === ',' || BEFORE.has(before))) continue;
    if (!isCorrelated(code.slice(open + 1, close))) continue;
    const subquery = sql.slice(open + 1, close).trim();
    const x = sql.slice(left, m.index!).trim();
    // SQL's three-valued IN: true when a value equals x; else NULL when a value is NULL or x is (and there is a
    // value); else false — NOT IN the opposite. NULL matters beyond a plain WHERE (`NOT (x IN …)`, a selected flag).
    const found = `EXISTS (SELECT 1 FROM (${subquery}) AS __tsdbt_in WHERE __tsdbt_in.* = (${x}))`;
    // (x) IS NULL outside the EXISTS: inside, 26.7's decorrelation reads an outer Nullable column as never NULL.
    const unknown = `((${x}) IS NULL AND EXISTS (SELECT 1 FROM (${subquery}) AS __tsdbt_in) OR EXISTS (SELECT 1 FROM (${subquery}) AS __tsdbt_in WHERE __tsdbt_in.* IS NULL))`;
    const text = m[1] ? `multiIf(${found}, 0, ${unknown}, NULL, 1)` : `multiIf(${found}, 1, ${unknown}, NULL, 0)`;
    edits.push({ start: left, end: close + 1, text });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}

/** Whether blanked subquery text qualifies a name (`t1.k`) with a table or alias it does not define (FROM/JOIN items, CTEs). */
function isCorrelated(code: string): boolean {
  const defined = new Set<string>();
  const tokens = [...code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[().,]/g)].map((m) => m[0]);
  // CTEs: `name AS (`.
  for (const m of code.matchAll(/(?<![\w$.])([A-Za-z_][\w$]*)\s+as\s*\(/gi)) defined.add(m[1]!.toLowerCase());
  tokens.forEach((t, i) => {
    const w = t.toLowerCase();
    if (w !== 'from' && w !== 'join') return;
    let k = i + 1;
    while (tokens[k] === '.') k++; // a quoted (blanked) schema.table
    if (tokens[k] === '(') {
      let depth = 0;
      for (; k < tokens.length; k++) if (tokens[k] === '(') depth++; else if (tokens[k] === ')' && --depth === 0) break;
      k++;
    } else {
      // db.table: each part is a name the subquery defines (`db`.`t` reads `db . t` once blanked)
      while (tokens[k + 1] === '.' && tokens[k + 2] && tokens[k + 2] !== '.') {
        defined.add(tokens[k]!.toLowerCase());
        k += 2;
      }
      if (tokens[k]) defined.add(tokens[k]!.toLowerCase());
      k++;
      if (tokens[k] === '(') return; // a table function: its alias follows its arguments, read on the `)`
    }
    if (tokens[k]?.toLowerCase() === 'as') k++;
    const alias = tokens[k];
    if (alias && /^[A-Za-z_]/.test(alias) && !NOT_ALIAS.has(alias.toLowerCase())) defined.add(alias.toLowerCase());
  });
  // A table function (`numbers(4) b`): the word after its `)`.
  for (const m of code.matchAll(/\b(?:from|join)\s+[A-Za-z_][\w$]*\s*\(/gi)) {
    const close = closingParen(code, m.index! + m[0].length - 1);
    const alias = close < 0 ? undefined : /^\s*(?:as\s+)?([A-Za-z_][\w$]*)/i.exec(code.slice(close + 1))?.[1];
    if (alias && !NOT_ALIAS.has(alias.toLowerCase())) defined.add(alias.toLowerCase());
  }
  for (const m of code.matchAll(/(?<![\w$.])([A-Za-z_][\w$]*)\.[A-Za-z_]/g)) if (!defined.has(m[1]!.toLowerCase())) return true;
  return false;
}
