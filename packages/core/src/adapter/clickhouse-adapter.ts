import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import { ConnectionError, DatabaseError, type TsdbtError } from '../shared/errors.js';
import { checkClusterReachable, clusterError, serverName } from './cluster-check.js';
import { Capabilities, isSyntaxError } from './capabilities.js';
import { writtenByOthers } from './serve-endpoint.js';
import { Staging } from './staging.js';
import { createTableAs, engineClause } from './table-ddl.js';
import { isNothingColumnError, isNothingType, withTextNulls } from './null-columns.js';
import { dbtSemanticsOn } from '../load/dbt-semantics.js';
import { columnsDdl, hasTableOptions, NO_TABLE_OPTIONS, unsupportedTableOptions, type TableOptions } from './table-options.js';
import { DEFAULT_TEMPORARIES_MAX_AGE, sweepLeftovers, temporaryName } from './temporaries.js';
import type { QueryOptions, WarehouseClient } from './warehouse-client.js';
import { querySystem } from './system-reads.js';
import { parseServerVersion, type ServerVersion } from './server-version.js';
import { setOperationModes, settingsClause, withSettings } from './settings-clause.js';
import { syncReplica } from './replica-sync.js';

/** What a name holds in the warehouse: a table (any table engine), a view, a materialized view or a dictionary. */
export type RelationKind = 'table' | 'view' | 'materialized_view' | 'dictionary';

/** A column as ClickHouse describes it. */
export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
}

export { BACKUP_MARKER, TEMP_MARKER } from './temporaries.js';

/**
 * Warehouse operations the materializations are made of. Stateless but for a few caches;
 * every statement goes through the one WarehouseClient.
 */
export class ClickHouseAdapter {
  /** What the server can do, per statement kind (one place for capability probes). */
  readonly capabilities: Capabilities;
  private readonly knownDatabases = new Map<string, Promise<void>>();
  /** Cluster mode: the profile's `cluster`; every DDL gets `ON CLUSTER` (see docs/cluster.md). */
  readonly cluster: string | undefined;
  private singleNode: ClickHouseAdapter | undefined;
  private clusterChecked: { at: number; done: Promise<void> } | undefined;

  constructor(
    readonly client: WarehouseClient,
    readonly runId: string,
    cluster: string | undefined = client.target?.type === 'clickhouse' ? client.target.cluster : undefined,
  ) {
    this.cluster = cluster || undefined;
    this.capabilities = new Capabilities(client);
  }

  /** ` ON CLUSTER `c`` in cluster mode, '' otherwise. */
  onCluster(): string {
    return this.cluster ? ` ON CLUSTER ${quoteIdentifier(this.cluster)}` : '';
  }

  /** The adapter a model builds with: this one, or one without the cluster for `disable_on_cluster: true`. */
  forModel(config: NodeConfig): ClickHouseAdapter {
    if (!this.cluster || config.disable_on_cluster !== true) return this;
    return (this.singleNode ??= new ClickHouseAdapter(this.client, this.runId, ''));
  }

  /** Cluster mode: fails fast when the cluster is not defined or a shard does not answer (cluster-check.ts). Re-checked every 30 s. */
  checkCluster(): Promise<void> {
    if (!this.cluster) return Promise.resolve();
    const now = Date.now();
    if (this.clusterChecked && now - this.clusterChecked.at < 30_000) return this.clusterChecked.done;
    const done = checkClusterReachable(this.client, this.cluster);
    this.clusterChecked = { at: now, done };
    done.catch(() => (this.clusterChecked = undefined));
    return done;
  }

  /** Turns a failure of a cluster-wide statement into an error that says what to check. */
  clusterError(error: unknown): TsdbtError {
    return clusterError(this.client, this.cluster ?? '', error);
  }

  /** A DDL statement; in cluster mode its errors are explained by clusterError(). */
  async ddl(sql: string, options?: QueryOptions): Promise<void> {
    try {
      // ON CLUSTER answers with one status row per host as each finishes; without wait_end_of_query
      // the HTTP response can complete before every host (this one included) has run the DDL.
      const settings = this.cluster ? { wait_end_of_query: 1, ...options?.settings } : options?.settings;
      await this.client.command(sql, { ...options, settings });
    } catch (error) {
      throw this.cluster ? this.clusterError(error) : error;
    }
  }

  /**
   * `CREATE TABLE rel … AS <sql>`. In cluster mode, and when the model declares table options (skip
   * indexes, projections, column codecs or TTLs, which a CREATE … AS SELECT cannot take), the empty
   * table is created from the query's columns (`ON CLUSTER`: a CREATE … AS SELECT on every host would
   * run the query on every host), then filled on this node.
   */
  async createTableAs(rel: Relation, config: NodeConfig, sql: string, signal?: AbortSignal, options: TableOptions = NO_TABLE_OPTIONS): Promise<void> {
    if (!this.cluster && !hasTableOptions(options)) {
      try {
        await this.client.command(createTableAs(rel, config, sql), { signal });
      } catch (error) {
        // A column of only NULLs: refused before anything was created (null-columns.ts); again with it as text.
        if (!dbtSemanticsOn(config) || !isNothingColumnError(error)) throw error;
        const nulls = (await this.queryColumns(sql, { signal }, config.query_settings)).filter((c) => isNothingType(c.type)).map((c) => c.name);
        if (nulls.length === 0) throw error;
        await this.client.command(createTableAs(rel, config, withTextNulls(sql, nulls)), { signal });
      }
      return;
    }
    await this.assertTableOptionsSupported(options);
    let columns = await this.queryColumns(sql);
    const nulls = dbtSemanticsOn(config) ? columns.filter((c) => isNothingType(c.type)).map((c) => c.name) : [];
    if (nulls.length > 0) {
      sql = withTextNulls(sql, nulls);
      columns = columns.map((c) => (isNothingType(c.type) ? { ...c, type: 'Nullable(String)' } : c));
    }
    await this.createTable(rel, config, columnsDdl(columns, options), signal);
    const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
    const querySettings = settingsClause(config.query_settings);
    await this.client.command(`INSERT INTO ${relationSql(rel.schema, rel.identifier)} (${names}) SELECT ${names} FROM (\n${sql}\n)${querySettings ? `\n${querySettings}` : ''}`, { signal });
  }

  /** Fails with a clear error when the server is too old for the table options (rather than a syntax error). */
  async assertTableOptionsSupported(options: TableOptions): Promise<void> {
    if (!hasTableOptions(options)) return;
    const v = await this.serverVersion();
    const missing = unsupportedTableOptions(options, v.major, v.minor);
    if (missing)
      throw new DatabaseError('not_supported', `Not supported by this server (ClickHouse ${v.text}): ${missing}`, {
        hint: 'Remove these options from the model for this server, or upgrade ClickHouse.',
      });
  }

  /** `CREATE TABLE rel [ON CLUSTER c] (columns) ENGINE …` (replicated engine in cluster mode). */
  async createTable(rel: Relation, config: NodeConfig, columnsDdl: string, signal?: AbortSignal): Promise<void> {
    await this.ddl(`CREATE TABLE ${relationSql(rel.schema, rel.identifier)}${this.onCluster()} (${columnsDdl})\n${engineClause(config, this.cluster ? rel : undefined)}`, { signal });
  }

  async ensureDatabase(schema: string): Promise<void> {
    if (this.cluster) await this.checkCluster();
    let p = this.knownDatabases.get(schema);
    if (!p) {
      p = this.ddl(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(schema)}${this.onCluster()}`).then(() => {
        // The target's schema, once it exists, is where names without a database are looked up (dbt-clickhouse's session database).
        if (schema === this.client.target?.schema) this.client.useDatabase?.(schema);
      });
      this.knownDatabases.set(schema, p);
      p.catch(() => this.knownDatabases.delete(schema));
    }
    return p;
  }

  /**
   * A query over system tables, asked again when a table was dropped or renamed while it read (old servers:
   * system-reads.ts).
   */
  async systemQuery<T>(sql: string): Promise<T[]> {
    return querySystem<T>(this.client, sql);
  }

  async relationKind(rel: Relation): Promise<RelationKind | undefined> {
    const rows = await this.systemQuery<{ engine: string }>(
      `SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
    );
    if (rows.length === 0) return undefined;
    return kindOfEngine(rows[0]!.engine);
  }

  /** Which of these relations exist (one query): keys `schema\u0000identifier`. */
  async existingRelations(rels: readonly Relation[]): Promise<Set<string>> {
    if (rels.length === 0) return new Set();
    const databases = [...new Set(rels.map((r) => r.schema))].map(sqlString).join(', ');
    const rows = await this.systemQuery<{ database: string; name: string }>(`SELECT database, name FROM system.tables WHERE database IN (${databases})`);
    return new Set(rows.map((r) => `${r.database}\u0000${r.name}`));
  }

  /** Columns of an existing relation, in table order (DESCRIBE: old servers' system.columns has no `position`). */
  async columns(rel: Relation): Promise<WarehouseColumn[]> {
    const rows = await this.client.query<WarehouseColumn>(`DESCRIBE TABLE ${relationSql(rel.schema, rel.identifier)}`);
    return rows.map((r) => ({ name: r.name, type: r.type }));
  }

  /**
   * Columns a query would produce, without running it — with the node's `query_settings` when given
   * (the types depend on them: cast_keep_nullable makes `cast(null as String)` Nullable(String)).
   */
  async queryColumns(sql: string, options?: QueryOptions, querySettings?: unknown): Promise<WarehouseColumn[]> {
    // A SETTINGS clause inside DESCRIBE's parentheses is the last SELECT's: a plain `a UNION b` is normalised
    // before it applies, so `<op>_default_mode` (dbt_semantics' set-operation-modes.ts) goes with the statement.
    const modes = setOperationModes(querySettings);
    const opts = modes ? { ...options, settings: { ...modes, ...options?.settings } } : options;
    return this.client.query<WarehouseColumn>(`DESCRIBE (\n${withSettings(sql, querySettings)}\n)`, opts);
  }

  async rowCount(rel: Relation, options?: QueryOptions): Promise<number> {
    const rows = await this.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${relationSql(rel.schema, rel.identifier)}`, options);
    return Number(rows[0]?.n ?? 0);
  }

  /** An owned temporary beside `rel` for this run (see temporaries.ts); staging.ts creates and drops them. */
  tempRelation(rel: Relation, purpose?: string): Relation {
    return temporaryName(rel, this.runId, purpose);
  }

  /** Seconds after which a temporary whose owner cannot be proven alive or dead counts as dead (profile `temporaries_max_age`). */
  get temporariesMaxAge(): number {
    return this.client.target.temporariesMaxAge ?? DEFAULT_TEMPORARIES_MAX_AGE;
  }

  /**
   * True when this process holds the embedded warehouse's data directory and nobody else has
   * written through it (other tsdbt processes via its endpoint, clients of `serve --allow-writes`):
   * chDB's lock then proves every other writer dead.
   */
  ownsWarehouseExclusively(): boolean {
    if (!this.client.embedded) return false;
    return !writtenByOthers(this.client.target.path!);
  }

  /** Statements running on the server now (every host in cluster mode): their ids and text. */
  async runningStatements(): Promise<{ query_id: string; query: string }[]> {
    const from = this.cluster ? `cluster(${sqlString(this.cluster)}, system, processes)` : 'system.processes';
    return this.client.query<{ query_id: string; query: string }>(`SELECT query_id, query FROM ${from}`);
  }

  /** @deprecated Use prepareTarget() of staging.ts: it sweeps every dead run's leftovers of the database. */
  async dropLeftovers(rel: Relation): Promise<string[]> {
    return sweepLeftovers(this, rel.schema);
  }

  /**
   * `DROP TABLE IF EXISTS` (views too; old servers have no DROP VIEW; a dictionary needs DROP
   * DICTIONARY), `… SYNC` where the server knows it, so an Atomic database frees the disk at once
   * instead of after its 8-minute delay.
   */
  async drop(rel: Relation, kind: RelationKind = 'table'): Promise<void> {
    const sql = `DROP ${kind === 'dictionary' ? 'DICTIONARY' : 'TABLE'} IF EXISTS ${relationSql(rel.schema, rel.identifier)}${this.onCluster()}`;
    if (this.capabilities.peek('drop_sync') !== false) {
      try {
        await this.ddl(`${sql} SYNC`);
        this.capabilities.learn('drop_sync', true);
        return;
      } catch (error) {
        if (!isSyntaxError(error)) throw error;
        this.capabilities.learn('drop_sync', false);
      }
    }
    await this.ddl(sql);
  }

  /** `RENAME TABLE a TO b[, c TO d…] [ON CLUSTER c]`: one statement, done under one lock on each host. */
  async rename(pairs: readonly (readonly [Relation, Relation])[], signal?: AbortSignal): Promise<void> {
    const list = pairs.map(([from, to]) => `${relationSql(from.schema, from.identifier)} TO ${relationSql(to.schema, to.identifier)}`).join(', ');
    await this.ddl(`RENAME TABLE ${list}${this.onCluster()}`, { signal });
  }

  /**
   * Whether `schema`'s database can EXCHANGE TABLES (capabilities.ts). A probe that fails answers
   * false for this swap only (a rename swap is as safe, just not atomic for readers) and is asked again.
   */
  canExchange(schema: string): Promise<boolean> {
    return this.capabilities.exchange(schema).catch(() => false);
  }

  /** @deprecated Use Staging.swap() of staging.ts. */
  async swapIn(staged: Relation, target: Relation, _existing?: RelationKind): Promise<void> {
    await new Staging(this, target).swap(staged);
  }

  /**
   * Cluster mode: waits until every replica has the parts of `rel` before it is swapped in.
   * `SYSTEM SYNC REPLICA … ON CLUSTER` where the server has it; old servers (18.x) sync this node's
   * replica, and inserts wait for the other replicas through insert_quorum (insertSettings()).
   * Without the privilege: the same wait, read from system.replicas (replica-sync.ts).
   */
  async syncReplicas(rel: Relation): Promise<void> {
    if (!this.cluster) return;
    try {
      await syncReplica(this, rel);
    } catch (error) {
      throw (error as DatabaseError).code === 'replica_sync_failed' ? error : this.clusterError(error);
    }
  }

  private readonly locks = new Map<string, Promise<unknown>>();
  /** Runs `fn` after every earlier `exclusive(key, …)` of this adapter has finished (e.g. two views rebuilding one target). */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(key, tail);
    void tail.then(() => this.locks.get(key) === tail && this.locks.delete(key));
    return run;
  }

  /**
   * Asks the server its version before a run starts: an unreachable target, or one refusing the
   * credentials, fails here once (a ConnectionError, exit 2) instead of once per node. Any other
   * failure of this one statement is left to the nodes (the server answered; they report it).
   */
  async checkConnection(): Promise<void> {
    try {
      await this.serverVersion();
    } catch (error) {
      if (error instanceof ConnectionError) throw error;
    }
  }

  private version: Promise<ServerVersion> | undefined;
  /** The server's version (`SELECT version()`), asked once per adapter. */
  serverVersion(): Promise<ServerVersion> {
    this.version ??= this.client.query<{ v: string }>('SELECT version() AS v').then((rows) => parseServerVersion(rows[0]?.v ?? '0.0'));
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  private replicaCount: Promise<number> | undefined;

  /** Whether the server knows a data type (e.g. Date32, which servers before 21.9 lack). */
  hasTypeFamily(name: string): Promise<boolean> {
    return this.capabilities.lists('data_type_families', name);
  }

  /** Whether system.tables has table comments (`comment`, from 21.x). */
  hasTableComments(): Promise<boolean> {
    return this.capabilities.ask('table_comments', async () => {
      const [row] = await this.client.query<{ n: string | number }>(`SELECT count() AS n FROM system.columns WHERE database = 'system' AND table = 'tables' AND name = 'comment'`);
      return Number(row?.n ?? 0) > 0;
    });
  }

  /** Whether the server has a function (e.g. joinGet; formatQuerySingleLine, from 23.x). */
  hasFunction(name: string): Promise<boolean> {
    return this.capabilities.lists('functions', name);
  }

  /** Whether the server knows a setting (e.g. mutations_sync, which 18.x lacks). */
  hasSetting(name: string): Promise<boolean> {
    return this.capabilities.lists('settings', name);
  }

  /** hasSetting() for a caller that cannot wait (a template's statement, sent while a render runs). */
  hasSettingSync(name: string): boolean {
    return this.capabilities.listsSync('settings', name);
  }

  /** Whether the server knows a MergeTree table setting (e.g. allow_nullable_key, which 18.x lacks). */
  hasMergeTreeSetting(name: string): Promise<boolean> {
    return this.capabilities.lists('merge_tree_settings', name);
  }

  /**
   * Settings for an INSERT into a Distributed table: synchronous, and acknowledged by every replica
   * of each shard. Not knowing how many replicas there are is an error, never an insert without quorum.
   */
  async insertSettings(): Promise<Record<string, unknown>> {
    this.replicaCount ??= this.client
      .query<{ n: string | number }>(
        `SELECT min(c) AS n FROM (SELECT shard_num, count() AS c FROM system.clusters WHERE cluster = ${sqlString(this.cluster ?? '')} GROUP BY shard_num)`,
      )
      .then((rows) => Number(rows[0]?.n ?? 1));
    this.replicaCount.catch(() => (this.replicaCount = undefined));
    const replicas = await this.replicaCount;
    if (replicas > 1 && !(await this.hasSetting('insert_quorum')))
      throw new DatabaseError('setting_unknown', `${serverName(this.client)} does not know insert_quorum, which an insert into a cluster with ${replicas} replicas per shard needs`, {
        hint: 'Upgrade the server, or use one replica per shard.',
      });
    return { insert_distributed_sync: 1, ...(replicas > 1 ? { insert_quorum: replicas } : {}) };
  }
}

/** The kind of relation a `system.tables` engine name stands for. */
export function kindOfEngine(engine: string): RelationKind {
  if (engine === 'MaterializedView') return 'materialized_view';
  if (engine === 'Dictionary') return 'dictionary';
  return /View$/.test(engine) ? 'view' : 'table';
}
