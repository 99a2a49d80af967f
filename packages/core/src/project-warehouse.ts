import { ClickHouseAdapter } from './adapter/clickhouse-adapter.js';
import { finishPendingWork } from './adapter/pending-work.js';
import { scopedQueryComment } from './adapter/query-comment.js';
import { beginRun, endRun, newRunId } from './adapter/run-owner.js';
import { openWarehouse, type WarehouseClient } from './adapter/warehouse-client.js';
import type { QueryCommenter } from './execute/query-comments.js';
import { isRelational } from './execute/run-command.js';
import type { TargetConfig } from './load/profiles.js';
import type { Manifest } from './manifest/manifest.js';
import type { EventHandler } from './report/events.js';
import { shareWarehouse } from './serve/warehouse-share.js';

/** What a project's warehouse reads of the project (TsdbtProject). */
export interface WarehouseOwner {
  readonly invocationId: string;
  readonly target: TargetConfig;
  readonly manifest: Manifest;
  readonly onEvent: EventHandler;
  /** dbt's query comments of the project (a comment that cannot render fails the connection, before any statement). */
  queryComments(): QueryCommenter;
  /** Every statement sent as a debug log line (--log-level debug). */
  logStatements(): boolean;
}

/**
 * A project's warehouse connection, opened on first use — or another project's, borrowed (watch mode's runs share
 * one) — and closed once. Opening names this run (its temporaries, run-owner.ts) and finishes what a dead run's
 * partition ALTER left half done before anything reads the project's databases.
 */
export class ProjectWarehouse {
  /** Another project whose warehouse this one uses instead of opening its own. */
  sharedWith: { adapter(threads?: number): Promise<ClickHouseAdapter> } | undefined;
  private client: WarehouseClient | undefined;
  private adapterInstance: ClickHouseAdapter | undefined;
  private pendingWork: Promise<void> | undefined;

  constructor(private readonly owner: WarehouseOwner) {}

  /** Whether the connection is open (or shared from another project). */
  get opened(): boolean {
    return !!this.client || !!this.sharedWith;
  }

  /** The warehouse adapter, connecting on first use. */
  async adapter(threads?: number): Promise<ClickHouseAdapter> {
    if (this.sharedWith) return this.sharedWith.adapter(threads);
    if (!this.adapterInstance) {
      const { target, onEvent } = this.owner;
      // The run id names this run's temporaries and tells other runs whether it is still alive (run-owner.ts).
      const runId = newRunId(this.owner.invocationId.replace(/-/g, ''));
      // A query comment that cannot render (or holds '*/') fails here, before any statement.
      const comments = this.owner.queryComments();
      comments.forNode(undefined);
      // Holding an embedded warehouse (now, or later when the process this one goes through ends):
      // other tsdbt commands on the same target go through this process.
      this.client = await openWarehouse(target, {
        poolSize: threads ?? target.threads,
        queryIdPrefix: `tsdbt-${runId}`,
        share: () => shareWarehouse(target),
        queryComment: () => scopedQueryComment() ?? comments.forNode(undefined),
        onStatement: this.owner.logStatements() ? (sql, connection) => onEvent({ type: 'log', level: 'debug', message: `On ${connection}: ${sql}` }) : undefined,
        onStopping: (running, waitedMs) => onEvent({ type: 'stopping', running, waited: Math.round(waitedMs / 1000) }),
      });
      beginRun(runId);
      this.adapterInstance = new ClickHouseAdapter(this.client, runId);
      // What a dead run's partition ALTER left half done is finished before anything reads those databases.
      this.pendingWork = finishPendingWork(this.adapterInstance, this.readDatabases()).then((stuck) => {
        for (const e of stuck) onEvent({ type: 'warning', message: e.message });
      });
    }
    await this.pendingWork;
    return this.adapterInstance;
  }

  async close(): Promise<void> {
    this.sharedWith = undefined;
    const c = this.client;
    const runId = this.adapterInstance?.runId;
    this.client = undefined;
    this.adapterInstance = undefined;
    try {
      await c?.close();
    } finally {
      // From now on the run's temporaries count as a dead run's: any later run may drop them.
      if (runId) endRun(runId);
    }
  }

  /** The databases the project's relations live in (models, seeds, snapshots, sources). */
  private readDatabases(): Set<string> {
    const out = new Set<string>();
    for (const n of this.owner.manifest.nodes.values()) if (isRelational(n) || n.resourceType === 'source') out.add(n.relation.schema);
    return out;
  }
}
