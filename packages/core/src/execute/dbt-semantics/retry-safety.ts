import { isReadStatement } from '../../adapter/statement-log.js';
import { viewQueryWithCtesApart } from '../../adapter/view-cte-names.js';

/*
 * When a node refused by ClickHouse may be run again (common types, a name's case, the join-order
 * optimizer: common-types.ts runWithCommonTypes) without doing anything twice.
 */

/**
 * Whether a failed attempt can be made again without doing anything twice: every statement it sent
 * only read, dropped a relation IF EXISTS, or ran the node's own query (the one ClickHouse refused
 * while analysing it, so it wrote nothing). A pre-hook's INSERT, a custom materialization's DML or
 * an incremental step that already wrote would be repeated: such a node fails with the error instead.
 *
 * `executed`: ClickHouse refused the query while running it (isExecutionRefusal), so blocks before
 * the refusal may have been written. Then each statement running the query must have written into a
 * relation a later statement of the attempt dropped (a table model's or an incremental step's own
 * temporary): an INSERT straight into the model's table is not made twice.
 */
export function retryable(statements: readonly string[], produced: ReadonlySet<string>, executed = false): boolean {
  // The node's query as sent: its start (a SETTINGS clause may have been merged at its end); a
  // view's CREATE sends it with its CTEs renamed first (view-cte-names.ts).
  const heads = [...produced].flatMap((sql) => [...new Set([sql, viewQueryWithCtesApart(sql)])]).map((sql) => sql.trim().slice(0, 200)).filter((h) => h.length > 0);
  return statements.every((s, i) => {
    if (isReadStatement(s) || DROP_IF_EXISTS.test(s)) return true;
    if (!heads.some((h) => s.includes(h))) return false;
    if (!executed) return true;
    const into = writtenRelation(s);
    return into !== undefined && statements.slice(i + 1).some((later) => droppedRelation(later) === into);
  });
}

/**
 * ClickHouse refusals that come while a query runs, after its analysis passed: `if`/`coalesce` over
 * Decimals of different scales (the analyser types them Decimal(38, s); executing them is
 * NOT_IMPLEMENTED on 26.7). Blocks before the refusal may have been written (see retryable).
 */
export function isExecutionRefusal(message: string | undefined): boolean {
  return message !== undefined && /Conditional functions with different Decimal scales/.test(message);
}

const DROP_IF_EXISTS = /^\s*drop\s+(?:table|view|dictionary)\s+if\s+exists\b/i;
const RELATION = String.raw`((?:\x60[^\x60]*\x60|[\w$]+)(?:\s*\.\s*(?:\x60[^\x60]*\x60|[\w$]+))?)`;
const CREATED = new RegExp(String.raw`^\s*create\s+(?:or\s+replace\s+)?table\s+(?:if\s+not\s+exists\s+)?${RELATION}`, 'i');
const INSERTED = new RegExp(String.raw`^\s*insert\s+into\s+(?:table\s+)?${RELATION}`, 'i');
const DROPPED = new RegExp(String.raw`^\s*drop\s+table\s+if\s+exists\s+${RELATION}`, 'i');

const norm = (relation: string) => relation.replace(/\s+/g, '');

/** The table a `CREATE TABLE … AS` or `INSERT INTO` writes, as written. */
function writtenRelation(statement: string): string | undefined {
  const m = CREATED.exec(statement) ?? INSERTED.exec(statement);
  return m ? norm(m[1]!) : undefined;
}

function droppedRelation(statement: string): string | undefined {
  const m = DROPPED.exec(statement);
  return m ? norm(m[1]!) : undefined;
}
