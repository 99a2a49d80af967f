import { blankNonCode } from '../shared/sql-statements.js';
import { applyEdits } from '../shared/text-edits.js';

/*
 * A view's CTE names, kept apart from relation names. When ClickHouse loads a view's stored query
 * (a server start, a chDB warehouse opened again) it records every table expression the query names
 * as a dependency — a CTE read as `from mrr` included, as the relation `default.mrr` (the server's
 * default database, whatever the view's). dbt-labs/mrr-playbook's view `customer_churn_month` has
 * `with mrr as (…)`, and the model `mrr` reads that view: a cycle in ClickHouse's dependency graph,
 * after which every RENAME and EXCHANGE in the server is refused with INFINITE_LOOP ("cyclic
 * dependencies") — every later build's swap failed (check_table_dependencies = 0 does not help).
 * So the query a view stores names each CTE it reads as a table `<name>__tsdbt_cte`, read back as
 * `<name>__tsdbt_cte AS <name>`: the same query (qualified columns `mrr.x` still resolve), and no
 * relation anyone creates is named like it. dbt's own `__dbt__cte__<model>` (an inlined ephemeral
 * model) is no relation's name and stays as dbt writes it (target/run/ shows it).
 */

const SUFFIX = '__tsdbt_cte';

/** Words after a table reference that are not its alias. */
const NOT_ALIAS = new Set([
  'on', 'using', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'any', 'all', 'semi', 'anti', 'asof', 'global',
  'array', 'paste', 'final', 'sample', 'prewhere', 'where', 'group', 'having', 'order', 'limit', 'offset', 'window', 'qualify',
  'settings', 'format', 'union', 'intersect', 'except', 'into', 'with', 'by', 'select', 'from', 'fetch', 'as',
]);

/** Words a comma-separated FROM list cannot reach back over. */
const CLAUSE = new Set(['select', 'where', 'group', 'order', 'having', 'limit', 'union', 'intersect', 'except', 'on', 'using', 'with', 'settings', 'window', 'prewhere', 'qualify', 'by', 'join', 'from', 'values', 'in']);

const TOKEN = /'(?:[^'\\]|\\.|'')*'|`(?:[^`\\]|\\.|``)*`|"(?:[^"\\]|\\.|"")*"|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_$]*|[(),.;]/g;

interface Token {
  readonly text: string;
  readonly at: number;
  /** Lower case for words; '' for strings, numbers and quoted names. */
  readonly word: string;
  /** An identifier's name (quotes removed), or undefined. */
  readonly name?: string;
}

/** A CTE's name as the query wrote it, from the name its view stores (`fields__tsdbt_cte` in ClickHouse's messages). */
export function cteNameAsWritten(name: string): string {
  return name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : name;
}

/** The view query with every CTE it reads as a table renamed (see above); `sql` itself when it reads none. */
export function viewQueryWithCtesApart(sql: string): string {
  if (!/\bwith\b/i.test(sql)) return sql;
  const code = blankNonCode(sql, { keepQuoted: true });
  const tokens = tokenize(code);
  const closeOf = matchParens(tokens);
  const defs = cteDefs(tokens, closeOf);
  if (defs.length === 0) return sql;
  const edits: { at: number; end: number; text: string }[] = [];
  const used = new Set<Token>();
  tokens.forEach((t, i) => {
    if (t.name === undefined || defs.some((d) => d.token === t)) return;
    const position = tablePosition(tokens, i);
    if (!position) return;
    // A CTE of that name in scope is what it reads: the innermost one (scopes nest).
    const def = defs
      .filter((d) => d.token.name === t.name && d.scopeStart < t.at && t.at < d.scopeEnd)
      .reduce<CteDef | undefined>((inner, d) => (inner && inner.scopeStart > d.scopeStart ? inner : d), undefined);
    if (!def) return;
    used.add(def.token);
    const aliased = position === 'in' || hasAlias(tokens[i + 1]);
    edits.push({ at: t.at, end: t.at + t.text.length, text: aliased ? renamed(t) : `${renamed(t)} AS ${t.text}` });
  });
  for (const d of defs) if (used.has(d.token)) edits.push({ at: d.token.at, end: d.token.at + d.token.text.length, text: renamed(d.token) });
  return applyEdits(sql, edits.map((e) => ({ at: e.at, length: e.end - e.at, text: e.text })));
}

function tokenize(code: string): Token[] {
  return [...code.matchAll(TOKEN)].map((m) => {
    const text = m[0];
    const first = text[0]!;
    if (first === '`' || first === '"') return { text, at: m.index!, word: '', name: text.slice(1, -1).replaceAll(first + first, first) };
    if (/[A-Za-z_]/.test(first)) return { text, at: m.index!, word: text.toLowerCase(), name: text };
    return { text, at: m.index!, word: /[(),.;]/.test(text) ? text : '' };
  });
}

/** '(' token index → its ')' token index. */
function matchParens(tokens: readonly Token[]): Map<number, number> {
  const closeOf = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.word === '(') open.push(i);
    else if (t.word === ')' && open.length > 0) closeOf.set(open.pop()!, i);
  });
  return closeOf;
}

interface CteDef {
  readonly token: Token;
  /** Offsets of the WITH list's statement: from its WITH to the end of the parentheses holding it. */
  readonly scopeStart: number;
  readonly scopeEnd: number;
}

/** `name AS (SELECT …)` items of WITH lists, nested ones too. */
function cteDefs(tokens: readonly Token[], closeOf: Map<number, number>): CteDef[] {
  const out: CteDef[] = [];
  tokens.forEach((t, i) => {
    if (t.name === undefined || NOT_ALIAS.has(t.word) || t.name.startsWith('__dbt__cte__') || tokens[i + 1]?.word !== 'as' || tokens[i + 2]?.word !== '(') return;
    const first = tokens[i + 3]?.word;
    if (first !== 'select' && first !== 'with' && first !== '(') return;
    const withAt = withOfItem(tokens, i - 1);
    if (withAt === undefined) return;
    const enclosing = enclosingOpen(tokens, withAt, closeOf);
    const scopeEnd = enclosing === undefined ? Infinity : tokens[closeOf.get(enclosing)!]!.at;
    out.push({ token: t, scopeStart: tokens[withAt]!.at, scopeEnd });
  });
  return out;
}

/** The WITH whose list an item ending just before token `k` belongs to (back over earlier items at this depth). */
function withOfItem(tokens: readonly Token[], k: number): number | undefined {
  if (tokens[k]?.word === 'recursive') k--;
  if (tokens[k]?.word === 'with') return k;
  if (tokens[k]?.word !== ',') return undefined;
  for (let depth = 0, j = k - 1; j >= 0; j--) {
    const w = tokens[j]!.word;
    if (w === ')') depth++;
    else if (w === '(') {
      if (depth === 0) return undefined;
      depth--;
    } else if (depth === 0 && w === 'with') return j;
    else if (depth === 0 && (w === 'select' || w === 'from' || w === 'where' || w === ';')) return undefined;
  }
  return undefined;
}

/** The '(' around token `k`, if any. */
function enclosingOpen(tokens: readonly Token[], k: number, closeOf: Map<number, number>): number | undefined {
  for (let depth = 0, j = k - 1; j >= 0; j--) {
    const w = tokens[j]!.word;
    if (w === ')') depth++;
    else if (w === '(') {
      if (depth === 0) return closeOf.has(j) ? j : undefined;
      depth--;
    }
  }
  return undefined;
}

/**
 * Whether token `i` names a table: after FROM (of a SELECT: not `extract(day from x)`), JOIN (not
 * ARRAY JOIN), a comma of a FROM list, or ClickHouse's `x IN t` ('in': no alias may follow). Not a
 * qualified name, nor a table function.
 */
function tablePosition(tokens: readonly Token[], i: number): 'table' | 'in' | undefined {
  const before = tokens[i - 1]?.word;
  const after = tokens[i + 1]?.word;
  if (after === '.' || after === '(' || before === '.') return undefined;
  if (before === 'from') return selectBefore(tokens, i - 1) ? 'table' : undefined;
  if (before === 'join') return tokens[i - 2]?.word === 'array' ? undefined : 'table';
  if (before === 'in') return 'in';
  if (before !== ',') return undefined;
  for (let depth = 0, j = i - 2; j >= 0; j--) {
    const w = tokens[j]!.word;
    if (w === ')') depth++;
    else if (w === '(') {
      if (depth === 0) return undefined;
      depth--;
    } else if (depth === 0 && CLAUSE.has(w)) return w === 'from' && selectBefore(tokens, j) ? 'table' : undefined;
  }
  return undefined;
}

/** A SELECT at the same depth before the FROM at token `k` (a FROM inside a function call has none). */
function selectBefore(tokens: readonly Token[], k: number): boolean {
  for (let depth = 0, j = k - 1; j >= 0; j--) {
    const w = tokens[j]!.word;
    if (w === ')') depth++;
    else if (w === '(') {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0 && w === 'select') return true;
  }
  return false;
}

/** An alias follows a table reference: AS, or a name that is no clause word. */
function hasAlias(next: Token | undefined): boolean {
  if (!next || next.name === undefined) return false;
  return next.word === 'as' || !NOT_ALIAS.has(next.word);
}

function renamed(t: Token): string {
  const q = t.text[0];
  if (q === '`' || q === '"') return `${q}${t.text.slice(1, -1)}${SUFFIX}${q}`;
  return `${t.text}${SUFFIX}`;
}
