import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * dbt's query comment (dbt-adapters `_QueryComment`): a comment put on every statement sent to
 * the warehouse, by default a JSON object naming the app, dbt version, profile, target and node —
 * so ClickHouse's system.query_log / system.processes tell which model ran what.
 */
export interface QueryComment {
  /** The rendered comment, stripped; empty: no comment. */
  readonly text: string;
  /** `append: true`: after the statement (`sql\n/* c *\/`), else before it (`/* c *\/\nsql`). */
  readonly append: boolean;
  /** The connection (dbt's connection name: the node's unique id, or `master`), for debug logs. */
  readonly connection: string;
}

/** dbt's _QueryComment.add: the statement with the comment before it, or after it (before a final `;`). */
export function addQueryComment(sql: string, comment: QueryComment | undefined): string {
  if (!comment?.text) return sql;
  if (comment.append) {
    const trimmed = sql.trimEnd();
    return trimmed.endsWith(';') ? `${trimmed.slice(0, -1)}\n/* ${comment.text} */;` : `${trimmed}\n/* ${comment.text} */`;
  }
  return `/* ${comment.text} */\n${sql}`;
}

const current = new AsyncLocalStorage<QueryComment | undefined>();

/** Runs `work` with statements carrying `comment` (a node's comment while it runs). */
export function withQueryComment<T>(comment: QueryComment | undefined, work: () => T): T {
  return current.run(comment, work);
}

/** The comment of the work in progress, if a node set one (else the caller's default applies). */
export function scopedQueryComment(): QueryComment | undefined {
  return current.getStore();
}
