import type { ManifestNode } from '../../manifest/nodes.js';
import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { selectFrames, splitTopLevel, type SelectFrame, type Span } from './select-frames.js';
import { runCodeOf, type RunCode } from './inlined-code.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * dbt's answers on ClickHouse, name-resolution half. In SQL (every warehouse dbt runs on), a name in
 * a SELECT's expressions, WHERE and GROUP BY is an input column; only ORDER BY reads the SELECT's
 * own aliases first. ClickHouse resolves a name to an alias of the same SELECT first, so
 * `sum(n_opened) as n_opened, sum(days) / sum(n_opened) as avg_days` nests one aggregate in
 * another (ILLEGAL_AGGREGATION; fivetran's dbt_github weekly/monthly metrics) and
 * `coalesce(x, 0) as x, x is null as x_missing` silently reads the alias. With `dbt_semantics` on
 * (the default), a model, snapshot or test whose SQL has an alias its WHERE names, or one that shadows a column it reads
 * (`f(… x …) as x`) and names it in another item, the WHERE, or inside a GROUP BY expression of that SELECT runs with
 * `prefer_column_name_to_alias = 1` (SQL's precedence), and, since that setting applies to ORDER BY
 * too, each ORDER BY term naming an alias of its SELECT is written as the item's position
 * (or its expression when the SELECT has a `*`) — ORDER BY keeps reading the alias, as in SQL.
 * A node that sets the setting itself keeps its value; a model with an enforced contract is left as written.
 * An ephemeral model's SELECT counts for each node inlining it (inlined-code.ts).
 */

export function withColumnPrecedence<N extends ManifestNode>(node: N, serverHasIt: boolean, code: RunCode = runCodeOf(node)): N {
  if (!serverHasIt || !(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return node;
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if ('prefer_column_name_to_alias' in settings || (node.resourceType === 'model' && contractEnforced(node))) return node;
  // Its own SQL or an ephemeral model's it inlines (the ephemeral's SELECT runs in its query).
  if (!code.parts.some(aliasShadowsReadColumn)) return node;
  return { ...node, config: { ...node.config, query_settings: { ...settings, prefer_column_name_to_alias: 1 } } };
}

/**
 * The node as it runs `sql`, its SQL rendered at run time: a model whose Jinja reads the warehouse
 * (a loop over `adapter.get_columns_in_relation(…)` writing `sum(x) as x, count(case when x > 0 …)`:
 * fivetran's dbt_iterable) renders no such SELECT at load, so the setting is decided again on what
 * runs. Returns the node and its SQL with the ORDER BY terms made positions when the setting is added now.
 */
export async function withRunTimeColumnPrecedence<N extends ManifestNode>(adapter: { hasSetting(name: string): Promise<boolean> }, node: N, sql: string, renderedAgain: boolean): Promise<{ node: N; sql: string }> {
  if (!renderedAgain || !aliasShadowsReadColumn(sql)) return { node, sql };
  const decided = withColumnPrecedence(node, await adapter.hasSetting('prefer_column_name_to_alias').catch(() => false), { parts: [sql], renderedAgain });
  return decided === node ? { node, sql } : { node: decided, sql: withAliasOrderTerms(decided, sql) };
}

/**
 * A query a template sends while `runner` runs (run_query, a statement, get_columns_in_query's DESCRIBE):
 * decided on its own text as a node's query is, since it is SQL the project wrote for dbt's warehouses —
 * EqualExperts/dbt-unit-testing compares a model's rows with its expectations through run_query as
 * `select count(1) as count, round(column_a, 4) as column_a from (…) as s group by round(column_a, 4)`
 * (NOT_AN_AGGREGATE with ClickHouse's alias-first names). Only reads (SELECT, WITH, DESCRIBE), only
 * under the runner's dbt_semantics and where its own query_settings do not set the setting. Returns
 * the text to send and the setting to add; undefined: send it as written.
 */
export function statementColumnPrecedence(
  runner: ManifestNode | undefined,
  sql: string,
  serverHasIt: () => boolean,
): { sql: string; settings: { prefer_column_name_to_alias: 1 } } | undefined {
  if (!runner || !dbtSemantics(runner) || !STATEMENT_READ.test(blankNonCode(sql))) return undefined;
  const own = runner.config.query_settings;
  if (own && typeof own === 'object' && 'prefer_column_name_to_alias' in own) return undefined;
  if (!aliasShadowsReadColumn(sql) || !serverHasIt()) return undefined;
  return { sql: /\border\b/i.test(sql) ? orderTermsByPosition(sql) : sql, settings: { prefer_column_name_to_alias: 1 } };
}

const STATEMENT_READ = /^\s*(?:\(\s*)*(?:select|with|describe|desc)\b/i;

/** `sql` as it runs with the setting: ORDER BY terms naming an alias of their SELECT made its position (see above). */
export function withAliasOrderTerms(node: ManifestNode, sql: string): string {
  const settings = node.config.query_settings as Record<string, unknown> | undefined;
  const on = settings?.prefer_column_name_to_alias;
  if (!(on === 1 || on === true || on === '1') || !dbtSemantics(node) || !/\border\b/i.test(sql)) return sql;
  return orderTermsByPosition(sql);
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/g;

interface Item {
  readonly span: Span;
  /** The expression before `AS alias` (the whole item when it has none). */
  readonly expr: Span;
  readonly alias?: string;
}

function itemsOf(code: string, frame: SelectFrame): Item[] {
  return frame.items.map((span) => {
    // The last AS outside parentheses: `cast(x as Int32) as y`.
    let depth = 0;
    let asAt = -1;
    for (const m of code.slice(span.start, span.end).matchAll(/[()]|\bas\b/gi)) {
      if (m[0] === '(') depth++;
      else if (m[0] === ')') depth--;
      else if (depth === 0) asAt = span.start + m.index!;
    }
    if (asAt < 0) return { span, expr: span };
    const alias = /^as\s+([A-Za-z_][A-Za-z0-9_$]*)\s*$/i.exec(code.slice(asAt, span.end))?.[1];
    return { span, expr: { start: span.start, end: asAt }, ...(alias ? { alias } : {}) };
  });
}

/** Names read in a span: words not after a dot (`t.x` is qualified) and not called (`count(`). */
function namesRead(code: string, span: Span): string[] {
  const text = code.slice(span.start, span.end);
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const before = text.slice(0, m.index!).trimEnd();
    const after = text.slice(m.index! + m[0].length).trimStart();
    if (!before.endsWith('.') && !after.startsWith('(') && !after.startsWith('.')) out.push(m[0]);
  }
  return out;
}

/** `x as x`, `t.x as x`: the alias is the column itself. */
const isColumn = (code: string, item: Item) => new RegExp(`^(?:[A-Za-z_][\\w$]*\\s*\\.\\s*)*${item.alias}$`).test(code.slice(item.expr.start, item.expr.end).trim());

/** Whether an expression reads the column `name` (bare or qualified; `name(` is a call). */
const readsName = (expr: string, name: string) => new RegExp(`(?<![\\w$])${name}(?![\\w$])(?!\\s*\\()`).test(expr);
// GROUP BY, HAVING and QUALIFY are no trigger: warehouses differ there (BigQuery reads the alias, as ClickHouse) —
// but for a GROUP BY term reading a shadowing alias inside an expression (see aliasShadowsReadColumn).
const READ_CLAUSES = new Set(['where', 'prewhere']);

/**
 * Any SELECT with an item `f(… x …) as x` whose `x` is also read by another item or in WHERE, or with
 * any other `expr as x` whose `x` its WHERE reads (`select null as id … where id in (3, 4)`: SQL
 * filters on the input's id, ClickHouse on the alias). Where the input has no such column,
 * ClickHouse still reads the alias under the setting: nothing changes for `a + 1 as b … where b > 1`.
 */
export function aliasShadowsReadColumn(sql: string): boolean {
  if (!/\bas\b/i.test(sql)) return false;
  const code = namesAsWords(sql);
  return selectFrames(code).some((frame) => {
    const items = itemsOf(code, frame);
    const aliased = items.filter((i) => i.alias !== undefined && !isColumn(code, i));
    if (aliased.length === 0) return false;
    const clauseNames = new Set(frame.clauses.filter((c) => READ_CLAUSES.has(c.word)).flatMap((c) => namesRead(code, c)));
    if (aliased.some((a) => clauseNames.has(a.alias!))) return true;
    const shadowing = aliased.filter((i) => readsName(code.slice(i.expr.start, i.expr.end), i.alias!));
    if (shadowing.some((s) => items.some((other) => other !== s && namesRead(code, other.expr).includes(s.alias!)))) return true;
    // `cast(x as int) as x … group by cast(x as int)`: every warehouse groups by the column's cast (a bare
    // `group by x` is left alone: BigQuery reads the alias there, as ClickHouse); ClickHouse reads the alias
    // inside the term, groups by a cast of the cast and refuses the item (NOT_AN_AGGREGATE; fivetran/dbt_sap's faglflext).
    const terms = groupTerms(code, frame);
    return shadowing.some((s) => terms.some((term) => code.slice(term.start, term.end).trim() !== s.alias && namesRead(code, term).includes(s.alias!)));
  });
}

const QUOTES = new Set(['"', '`']);

/**
 * `sql` as code to scan (blankNonCode: literals and comments blanked, offsets kept), with each quoted
 * simple name (`"x"`, `` `x` ``) read as the word `x` — its quotes blanked — since ClickHouse resolves
 * both alike: dbt-unit-testing quotes every column it writes (`round("column_a", 4) as "column_a"`).
 * A quoted name that is no simple word (`"my col"`) is blanked whole.
 */
function namesAsWords(sql: string): string {
  return blankNonCode(sql, { keepNames: true }).replace(/"(?:[^"\\]|\\.|"")*"|`(?:[^`\\]|\\.|``)*`/g, (quoted) => {
    const inner = quoted.slice(1, -1);
    return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(inner) ? ` ${inner} ` : quoted.replace(/[^\n]/g, ' ');
  });
}

/** The terms of a SELECT's GROUP BY (none without one). */
function groupTerms(code: string, frame: SelectFrame): Span[] {
  const group = frame.clauses.find((c) => c.word === 'group');
  const by = group && /^group\s+by\b/i.exec(code.slice(group.start, group.end));
  return group && by ? splitTopLevel(code, group.start + by[0].length, group.end) : [];
}

/** Each ORDER BY term that is just an alias of its SELECT (of an item that is not that column itself), as the item's position. */
export function orderTermsByPosition(sql: string): string {
  const code = namesAsWords(sql);
  const edits: { at: number; end: number; text: string }[] = [];
  for (const frame of selectFrames(code)) {
    const order = frame.clauses.find((c) => c.word === 'order');
    if (!order) continue;
    const items = itemsOf(code, frame);
    const star = items.some((i) => /(^|[^\w$])\*\s*(except|replace|apply|$)|\bcolumns\s*\(/i.test(code.slice(i.expr.start, i.expr.end).trim()));
    const byAt = /^order\s+by\b/i.exec(code.slice(order.start, order.end));
    if (!byAt) continue;
    for (const term of splitTopLevel(code, order.start + byAt[0].length, order.end)) {
      const m = /^(\s*)([A-Za-z_][A-Za-z0-9_$]*)(\s+(?:asc|desc|nulls|collate|with)\b.*|\s*)$/is.exec(code.slice(term.start, term.end));
      if (!m) continue;
      const name = m[2]!;
      const k = items.findIndex((i) => i.alias === name);
      if (k < 0) continue;
      const item = items[k]!;
      const expr = sql.slice(item.expr.start, item.expr.end).trim();
      if (isColumn(code, item)) continue; // `t.x as x`: the column itself
      // A quoted term (`"x"`: its quotes are blanks in `code`) is replaced with its quotes.
      const quoted = QUOTES.has(sql[term.start + m[1]!.length - 1]!) && sql[term.start + m[1]!.length + name.length] === sql[term.start + m[1]!.length - 1];
      const at = term.start + m[1]!.length - (quoted ? 1 : 0);
      edits.push({ at, end: at + name.length + (quoted ? 2 : 0), text: star ? `(${expr})` : String(k + 1) });
    }
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.at, length: e.end - e.at, text: e.text })));
}

