import { randomUUID } from 'node:crypto';
import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { committedBlocks, key, type BlockCut } from '../mv/cutoff.js';

/*
 * Undoing a failed INSERT into a table only this run writes (a microbatch first build's staged
 * table). A statement can fail after some of its blocks were written (a later block failing, its
 * answer lost): those rows must not stay, or the batch is half there; nor may a retry add them twice.
 * MergeTree numbers every inserted block, increasing: the attempt wrote exactly the parts whose blocks
 * all lie above the mark taken before it, and they are dropped. A part joining blocks from both sides
 * (a merge finished meanwhile) cannot be split: then the attempt is not undone.
 */

/** What the table held before an attempt. */
export interface AttemptMark {
  readonly rows: number;
  /** Each partition's highest block number (MergeTree), or undefined for other engines. */
  readonly blocks?: BlockCut;
  /** The attempt's query id (to wait for it on a server, where it may run on after its answer was lost). */
  readonly queryId: string;
}

export async function markAttempt(adapter: ClickHouseAdapter, rel: Relation): Promise<AttemptMark> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  const mergeTree = /MergeTree$/.test(row?.engine ?? '') && !/^Replicated/.test(row?.engine ?? '');
  return {
    rows: await adapter.rowCount(rel),
    blocks: mergeTree ? (await committedBlocks(adapter, [rel])).get(key(rel)) : undefined,
    queryId: `tsdbt-${adapter.runId}-${randomUUID()}`,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the attempt's statement no longer runs (asking the server to stop it). */
async function settle(adapter: ClickHouseAdapter, queryId: string, timeoutMs = 60_000): Promise<boolean> {
  const running = async () => {
    const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM system.processes WHERE query_id = ${sqlString(queryId)}`);
    return Number(row?.n ?? 0) > 0;
  };
  if (!(await running())) return true;
  await adapter.client.command(`KILL QUERY WHERE query_id = ${sqlString(queryId)} ASYNC`).catch(() => {});
  const until = Date.now() + timeoutMs;
  while (await running()) {
    if (Date.now() > until) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Whether the table holds what it held at `mark` again: nothing was written, or what the attempt
 * wrote was dropped. False when that cannot be made sure (another engine, a merged part, a failure).
 */
export async function undoAttempt(adapter: ClickHouseAdapter, rel: Relation, mark: AttemptMark): Promise<boolean> {
  try {
    if (!(await settle(adapter, mark.queryId))) return false;
    if ((await adapter.rowCount(rel)) === mark.rows) return true;
    if (!mark.blocks) return false;
    const parts = await adapter.client.query<{ name: string; p: string; lo: string | number; hi: string | number }>(
      `SELECT name, partition_id AS p, min_block_number AS lo, max_block_number AS hi FROM system.parts WHERE active AND database = ${sqlString(rel.schema)} AND table = ${sqlString(rel.identifier)}`,
    );
    const cut = (p: string) => mark.blocks!.get(p) ?? -1;
    if (parts.some((x) => Number(x.lo) <= cut(x.p) && Number(x.hi) > cut(x.p))) return false;
    for (const x of parts.filter((x) => Number(x.lo) > cut(x.p))) await adapter.client.command(`ALTER TABLE ${relationSql(rel.schema, rel.identifier)} DROP PART ${sqlString(x.name)}`);
    return (await adapter.rowCount(rel)) === mark.rows;
  } catch {
    return false;
  }
}
