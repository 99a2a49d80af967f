import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The statements a piece of work sent to the warehouse (the client notes each one as written,
 * without its query comment), for dbt's target/run/: what a node ran, per node.
 */
const current = new AsyncLocalStorage<string[]>();

/** Runs `work`, collecting the statements it sends into `into`. */
export function recordStatements<T>(into: string[], work: () => T): T {
  return current.run(into, work);
}

/** Per statement list: the query_id of the last statement that wrote, and of the last one sent. */
const ids = new WeakMap<string[], { write?: string; last?: string }>();

/** Called by the warehouse client for every statement it sends, with the query_id it sends it under. */
export function noteStatement(sql: string, queryId?: string): void {
  const into = current.getStore();
  if (!into) return;
  into.push(sql);
  if (!queryId) return;
  const seen = ids.get(into) ?? {};
  ids.set(into, { write: isReadStatement(sql) ? seen.write : queryId, last: queryId });
}

/**
 * The query_id dbt-clickhouse reports as a node's adapter_response.query_id (its `main`
 * statement's, found in system.query_log): the last statement the node sent that wrote — a
 * test's, which only reads, its last statement's.
 */
export function mainQueryId(statements: string[]): string | undefined {
  const seen = ids.get(statements);
  return seen?.write ?? seen?.last;
}

/** Reads of the warehouse's own metadata (what a materialization asks before it acts): not part of what a node ran. */
const METADATA = /^\s*(?:describe|desc|show|exists|check|set|use|kill|explain)\b|^\s*select\b[\s\S]*?\bfrom\s+system\.|^\s*select\s+(?:version\(\)|1\s*$)/i;
const READ = /^\s*(?:select|with)\b/i;

/** Whether a statement only reads (data or the warehouse's metadata): sending it again changes nothing. */
export function isReadStatement(sql: string): boolean {
  return METADATA.test(sql) || READ.test(sql);
}

/**
 * What target/run/<path> holds for a node, as dbt writes there the statement(s) its
 * materialization ran: a model's, seed's or snapshot's DDL and DML in order; a test's query.
 */
export function runFileText(resourceType: string, statements: readonly string[]): string {
  const kept = statements.filter((s) => !METADATA.test(s) && (resourceType === 'test' || resourceType === 'unit_test' || !READ.test(s)));
  return kept.map((s) => `${s.trim().replace(/;\s*$/, '')};`).join('\n\n');
}
