import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { ALIASED } from './item-names.js';
import { closingParen, selectFrames, type SelectFrame } from './select-frames.js';

/*
 * An aggregate over no rows is NULL in SQL (count() is 0): `select max(updated_at) from t where …`
 * with nothing matching is NULL on every warehouse dbt runs on. ClickHouse gives the type's default
 * — max() 0 or 1970-01-01, sum() 0, avg() nan — so an incremental filter `> (select max(ts) from
 * {{ this }})` reads everything, and a test over an empty table judges a 0. Under dbt_semantics the
 * aggregates of a SELECT without GROUP BY (one row, whatever its input) use ClickHouse's -OrNull
 * combinator: NULL over no rows, the same value otherwise (the column is Nullable, as elsewhere).
 * Only where the column name cannot change: an item with an alias, or a scalar subquery (an
 * unaliased `max(x)` is a column named `max(x)`). A SELECT with GROUP BY has no empty group: only its
 * aggregates with a FILTER clause (`avg(x) filter (where …)`: nan, sum 0 for a group none passes) get
 * it. Left alone: window calls (`max(x) over …`) and models with an enforced contract (their declared
 * types).
 */

/** Servers known to have the -OrNull combinator (ClickHouse 19.x+; the 18.16 line lacks it), by the adapter that asked. */
const orNullServers = new WeakMap<object, boolean>();

/** Asks once per adapter whether its server has -OrNull (a setting of the same era answers: the 18.x line has neither). */
export async function probeOrNullCombinator(adapter: { hasSetting(name: string): Promise<boolean> }): Promise<void> {
  if (!orNullServers.has(adapter)) orNullServers.set(adapter, await adapter.hasSetting('aggregate_functions_null_for_empty').catch(() => false));
}

/** Whether probeOrNullCombinator found -OrNull on `adapter`'s server (the rewrites that need a modern server's NULL handling ask too). */
export const hasOrNullCombinator = (adapter: object): boolean => orNullServers.get(adapter) === true;

/** `sql` as dbt_semantics runs it on `adapter`'s server (unchanged until probeOrNullCombinator said it has -OrNull). */
export function withNullEmptyAggregates(node: ManifestNode, sql: string, adapter: object): string {
  const counts = COUNT_HINT.test(sql);
  if ((!AGGREGATE_HINT.test(sql) && !counts) || !hasOrNullCombinator(adapter)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  if (node.resourceType === 'model' && contractEnforced(node)) return sql;
  const out = AGGREGATE_HINT.test(sql) ? nullEmptyAggregates(sql) : sql;
  return counts ? zeroEmptyCounts(out) : out;
}

const COUNT_HINT = /\(\s*select\s+count/i;

/**
 * A scalar subquery counting (`(select count(*) from orders o where o.customer_id = c.id)`) is 0 where no row
 * matches, on every warehouse; ClickHouse decorrelates a correlated one into a join and gives NULL (26.7). Under
 * dbt_semantics such a subquery — one count/countIf item, no GROUP BY, HAVING or LIMIT, in a SELECT list or a
 * WHERE/HAVING/QUALIFY condition — reads `toNullable(coalesce((…), 0))`: the same count where rows match, and the
 * same type as written (ClickHouse types every scalar subquery Nullable; a bare coalesce would make the column
 * non-Nullable and change the reference project's and every stored table's column types).
 */
export function zeroEmptyCounts(sql: string): string {
  const code = blankNonCode(sql);
  const kept = blankNonCode(sql, { keepQuoted: true });
  const frames = selectFrames(code);
  const edits: Edit[] = [];
  for (const frame of frames) {
    if (frame.items.length !== 1 || frame.clauses.some((c) => c.word === 'group' || c.word === 'having' || c.word === 'limit')) continue;
    if (!isScalarSubquery(code, frame.start)) continue;
    const open = code.lastIndexOf('(', frame.start);
    const outer = frames.filter((f) => f.start < open && open < frameEnd(f)).at(-1);
    if (!outer || !(outer.items.some((i) => open > i.start && open < i.end) || outer.clauses.some((c) => c.word !== 'from' && open > c.start && open < c.end))) continue;
    const item = frame.items[0]!;
    const text = kept.slice(item.start, item.end).replace(ALIASED, (m) => (m.startsWith(')') ? ')' : '')).trim();
    const call = /^count(?:If)?\s*\(/i.exec(text);
    if (!call) continue;
    const callAt = item.start + kept.slice(item.start, item.end).indexOf(text);
    if (closingParen(code, callAt + call[0].length - 1) !== callAt + text.length - 1) continue;
    const close = closingParen(code, open);
    if (close < 0) continue;
    edits.push({ at: open, length: 0, text: 'toNullable(coalesce(' }, { at: close + 1, length: 0, text: ', 0))' });
  }
  return edits.length > 0 ? applyEdits(sql, edits) : sql;
}

const NAMES = 'sum|avg|min|max|stddev|stddev_samp|stddev_pop|stddevsamp|stddevpop|variance|var_samp|var_pop|varsamp|varpop|median';
const AGGREGATE_HINT = new RegExp(`\\b(?:${NAMES})\\s*\\(`, 'i');
const AGGREGATE = new RegExp(`\\b(${NAMES})\\s*\\(`, 'gi');
/** What may precede a scalar subquery's parenthesis: an operator, a comma, a parenthesis, or a word that takes a value. */
const SCALAR_BEFORE = /(?:[=<>!+\-*/%,(|]|\b(?:select|where|and|or|not|then|else|when|case|having|on|return|between)\b)$/i;

/** `sql` with the aggregates of its SELECTs without GROUP BY made NULL over no rows (see above). */
export function nullEmptyAggregates(sql: string): string {
  const code = blankNonCode(sql);
  const kept = blankNonCode(sql, { keepQuoted: true });
  const frames = selectFrames(code);
  const edits: Edit[] = [];
  for (const frame of frames) {
    // A group has rows, but an aggregate's FILTER may pass none of them.
    const grouped = frame.clauses.some((c) => c.word === 'group');
    const scalar = isScalarSubquery(code, frame.start);
    // Nested SELECTs inside this one's items: their aggregates are their own.
    const inner = frames.filter((f) => f !== frame && f.start > frame.start && f.start < (frame.items.at(-1)?.end ?? frame.start));
    for (const item of frame.items) {
      if (!scalar && !ALIASED.test(kept.slice(item.start, item.end))) continue;
      for (const at of aggregateCalls(code, item.start, item.end, inner, grouped)) edits.push({ at, length: 0, text: 'OrNull' });
    }
  }
  return edits.length > 0 ? applyEdits(sql, edits) : sql;
}

/** Offsets right after the name of each aggregate call in `code[start, end)` that is not a window call nor inside `inner` (`filtered`: only those with a FILTER clause). */
function aggregateCalls(code: string, start: number, end: number, inner: readonly SelectFrame[], filtered: boolean): number[] {
  const out: number[] = [];
  AGGREGATE.lastIndex = 0;
  const text = code.slice(start, end);
  for (const m of text.matchAll(AGGREGATE)) {
    const at = start + m.index!;
    if (code[at - 1] === '.' || inner.some((f) => at > f.start && at < frameEnd(f))) continue;
    const open = at + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    // `max(x) over (…)`, `sum(x) filter (where …) over (…)`: a window function, one value per row.
    let after = code.slice(close + 1, end);
    const filter = /^\s*filter\s*\(/i.exec(after);
    if (filter) {
      const fclose = closingParen(code, close + filter[0].length);
      after = fclose < 0 ? '' : code.slice(fclose + 1, end);
    }
    if (/^\s*over\b/i.test(after) || (filtered && !filter)) continue;
    out.push(at + m[1]!.length);
  }
  return out;
}

function isScalarSubquery(code: string, selectAt: number): boolean {
  const before = code.slice(0, selectAt).trimEnd();
  if (!before.endsWith('(')) return false;
  return SCALAR_BEFORE.test(before.slice(0, -1).trimEnd());
}

function frameEnd(f: SelectFrame): number {
  const last = f.clauses.at(-1) ?? f.items.at(-1);
  return last ? last.end : f.start;
}
