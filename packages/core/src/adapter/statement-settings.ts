import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Settings every statement of a piece of work carries (a node's while it runs), beside each
 * statement's own, which win: what a model needs of all its statements — the materialization's
 * CREATE … AS SELECT, its staging INSERTs, the copies an incremental strategy makes — without each
 * of them knowing (table-ddl.ts partitionInsertSettings).
 */
const current = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/** Runs `work` with its statements carrying `settings` (none: as is). */
export function withStatementSettings<T>(settings: Readonly<Record<string, unknown>> | undefined, work: () => T): T {
  return settings && Object.keys(settings).length ? current.run({ ...current.getStore(), ...settings }, work) : work();
}

/** A statement's options with the settings of the work in progress added (the statement's own win). */
export function withScopedSettings<O extends { readonly settings?: Readonly<Record<string, unknown>> }>(options: O | undefined): O | undefined {
  const scoped = current.getStore();
  if (!scoped) return options;
  return { ...(options ?? ({} as O)), settings: { ...scoped, ...options?.settings } };
}

/** ClickHouse's default max_query_size: a statement's text longer than this is refused before it runs. */
const DEFAULT_MAX_QUERY_SIZE = 262_144;

/** What reaches the server beside a statement's text: the query comment's line, the client's FORMAT clause. */
const HEADROOM = 4096;

/**
 * The settings a statement tsdbt writes itself needs for its length (none while it and its headroom stay within
 * 16 KiB): a max_query_size it fits in, whatever the profile's. Statements that name each partition of a table
 * (copy-carry.ts' block cuts, partition lists) grow with it: thousands of partitions pass ClickHouse's 256 KiB
 * default, and the model would fail where it built before. The headroom counts before the threshold too: a
 * 16,345-byte list behind a query comment was refused under a 16 KiB profile limit.
 */
export function fitQuerySize(sql: string): Record<string, number> | undefined {
  const bytes = Buffer.byteLength(sql) + HEADROOM;
  return bytes > 16_384 ? { max_query_size: Math.max(DEFAULT_MAX_QUERY_SIZE, bytes) } : undefined;
}
