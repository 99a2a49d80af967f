import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import { ConnectionError, DatabaseError, TsdbtError } from '../shared/errors.js';
import { createTableAs, engineClause } from './table-ddl.js';
import { columnsDdl, hasTableOptions, NO_TABLE_OPTIONS, unsupportedTableOptions, type TableOptions } from './table-options.js';
import type { QueryOptions, WarehouseClient } from './warehouse-client.js';

/** What a name holds in the warehouse: a table (any table engine), a view, a materialized view or a dictionary. */
export type RelationKind = 'table' | 'view' | 'materialized_view' | 'dictionary';

/** A column as ClickHouse describes it. */
export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
}

/** Suffix of the relations a build writes before swapping them in; the run id follows. */
export const TEMP_MARKER = '__tsdbt_tmp_';
/** Where the rename swap keeps the previous table for a moment (old servers, Ordinary databases). */
export const BACKUP_MARKER = '__tsdbt_backup_';

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Warehouse operations the materializations are made of. Stateless but for a few caches;
 * every statement goes through the one WarehouseClient.
 */
export class ClickHouseAdapter {
  private readonly exchangeSupport = new Map<string, Promise<boolean>>();
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

  /**
   * Cluster mode: fails fast, with a hint, when the cluster is not defined on the server or a shard
   * does not answer (rather than waiting out distributed_ddl_task_timeout). Re-checked every 30 s.
   */
  checkCluster(): Promise<void> {
    if (!this.cluster) return Promise.resolve();
    const now = Date.now();
    if (this.clusterChecked && now - this.clusterChecked.at < 30_000) return this.clusterChecked.done;
    const cluster = this.cluster;
    const done = (async () => {
      const defined = await this.client.query<{ cluster: string }>('SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster');
      if (!defined.some((r) => r.cluster === cluster))
        throw new ConnectionError('cluster_unknown', `Cluster '${cluster}' is not defined on ${this.where()} (known: ${defined.map((r) => r.cluster).join(', ') || 'none'})`, {
          hint: "Set `cluster:` in profiles.yml to a name from the server's <remote_servers> (SELECT cluster FROM system.clusters), or remove it for a single node.",
        });
      try {
        await this.client.query(`SELECT count() FROM cluster(${sqlString(cluster)}, system, one)`, { settings: { skip_unavailable_shards: 0 } });
      } catch (error) {
        throw this.clusterError(error);
      }
    })();
    this.clusterChecked = { at: now, done };
    done.catch(() => (this.clusterChecked = undefined));
    return done;
  }

  private where(): string {
    const t = this.client.target;
    return t ? `ClickHouse at ${t.host}:${t.port}` : 'the server';
  }

  /** Turns a failure of a cluster-wide statement into an error that says what to check. */
  clusterError(error: unknown): TsdbtError {
    const message = error instanceof Error ? error.message : String(error);
    const cluster = this.cluster ?? '';
    if (/Requested cluster '[^']*' not found|Code: 170\b/.test(message))
      return new ConnectionError('cluster_unknown', `Cluster '${cluster}' is not defined on ${this.where()}: ${message}`, {
        hint: "Set `cluster:` in profiles.yml to a name from the server's <remote_servers> (SELECT cluster FROM system.clusters).",
        cause: error,
      });
    if (/All connection tries failed|Connection refused|NETWORK_ERROR|Code: (210|279|209)\b|Timeout exceeded while|unfinished hosts|distributed_ddl_task_timeout/i.test(message))
      return new ConnectionError('shard_unreachable', `A shard of cluster '${cluster}' is unreachable, so nothing was changed on the others: ${message}`, {
        hint: 'Start the stopped ClickHouse server(s) of the cluster (see system.clusters for hosts and ports), check ZooKeeper, and run again.',
        cause: error,
      });
    return error instanceof TsdbtError ? error : new DatabaseError('database_error', message, { cause: error });
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
      await this.client.command(createTableAs(rel, config, sql), { signal });
      return;
    }
    await this.assertTableOptionsSupported(options);
    const columns = await this.queryColumns(sql);
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
      p = this.ddl(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(schema)}${this.onCluster()}`);
      this.knownDatabases.set(schema, p);
      p.catch(() => this.knownDatabases.delete(schema));
    }
    return p;
  }

  /**
   * A query over system.tables. Old servers (18.x) fail it with code 60 when a table is dropped or
   * renamed while the listing runs (another model's swap in the same run): ask again.
   */
  private async tablesQuery<T>(sql: string): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.query<T>(sql);
      } catch (error) {
        if (attempt >= 5 || !/Code: 60\b|doesn't exist/.test(String((error as Error).message))) throw error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  async relationKind(rel: Relation): Promise<RelationKind | undefined> {
    const rows = await this.tablesQuery<{ engine: string }>(
      `SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
    );
    if (rows.length === 0) return undefined;
    return kindOfEngine(rows[0]!.engine);
  }

  /** Columns of an existing relation, in table order (DESCRIBE: old servers' system.columns has no `position`). */
  async columns(rel: Relation): Promise<WarehouseColumn[]> {
    const rows = await this.client.query<WarehouseColumn>(`DESCRIBE TABLE ${relationSql(rel.schema, rel.identifier)}`);
    return rows.map((r) => ({ name: r.name, type: r.type }));
  }

  /** Columns a query would produce, without running it. */
  async queryColumns(sql: string): Promise<WarehouseColumn[]> {
    return this.client.query<WarehouseColumn>(`DESCRIBE (\n${sql}\n)`);
  }

  async rowCount(rel: Relation, options?: QueryOptions): Promise<number> {
    const rows = await this.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${relationSql(rel.schema, rel.identifier)}`, options);
    return Number(rows[0]?.n ?? 0);
  }

  tempRelation(rel: Relation): Relation {
    return { schema: rel.schema, identifier: `${rel.identifier}${TEMP_MARKER}${this.runId}` };
  }

  /**
   * Drops temporaries a killed run left behind for `rel`. Called right before staging `rel`, so ours
   * counts too: a project reused after the server died mid-build runs again with the same run id.
   */
  async dropLeftovers(rel: Relation): Promise<string[]> {
    const tmp = `${rel.identifier}${TEMP_MARKER}`;
    const backup = `${rel.identifier}${BACKUP_MARKER}`;
    // In cluster mode a leftover may exist on some shards only: look on all of them.
    const tables = this.cluster ? `cluster(${sqlString(this.cluster)}, system, tables)` : 'system.tables';
    // Backups are looked for on a single node only (the cluster swap renames both pairs in one statement).
    const backups = this.cluster ? '' : ` OR startsWith(name, ${sqlString(backup)})`;
    const found = await this.tablesQuery<{ name: string; engine: string }>(
      `SELECT ${this.cluster ? 'DISTINCT ' : ''}name, engine FROM ${tables} WHERE database = ${sqlString(rel.schema)} AND (startsWith(name, ${sqlString(tmp)})${backups})`,
    );
    const engineOf = new Map(found.map((r) => [r.name, r.engine]));
    const names = [...engineOf.keys()];
    const stale = names.filter((n) => n.startsWith(tmp));
    const kept = names.filter((n) => n.startsWith(backup));
    // A swap cut short by a server crash may have left the previous table under its backup name with
    // no table in its place: put it back. Backups of a table that is in place are dropped.
    if (kept.length && (await this.relationKind(rel)) === undefined) {
      await this.client.command(`RENAME TABLE ${relationSql(rel.schema, kept[0]!)} TO ${relationSql(rel.schema, rel.identifier)}`);
      kept.shift();
    }
    for (const name of [...stale, ...kept]) await this.drop({ schema: rel.schema, identifier: name }, kindOfEngine(engineOf.get(name)!));
    return [...stale, ...kept];
  }

  /** DROP TABLE drops views too, and old servers (18.x) have no DROP VIEW; a dictionary needs DROP DICTIONARY. */
  async drop(rel: Relation, kind: RelationKind): Promise<void> {
    await this.ddl(`DROP ${kind === 'dictionary' ? 'DICTIONARY' : 'TABLE'} IF EXISTS ${relationSql(rel.schema, rel.identifier)}${this.onCluster()}`);
  }

  /** `RENAME TABLE a TO b[, c TO d…] [ON CLUSTER c]`: one statement, done under one lock on each host. */
  async rename(pairs: readonly (readonly [Relation, Relation])[], signal?: AbortSignal): Promise<void> {
    const list = pairs.map(([from, to]) => `${relationSql(from.schema, from.identifier)} TO ${relationSql(to.schema, to.identifier)}`).join(', ');
    await this.ddl(`RENAME TABLE ${list}${this.onCluster()}`, { signal });
  }

  /** Whether `schema`'s database engine can EXCHANGE TABLES (Atomic can; Ordinary and old servers cannot). Probed once per database. */
  canExchange(schema: string): Promise<boolean> {
    let p = this.exchangeSupport.get(schema);
    if (!p) {
      p = this.client
        .query<{ engine: string }>(`SELECT engine FROM system.databases WHERE name = ${sqlString(schema)}`)
        .then((rows) => ['Atomic', 'Replicated', 'Shared'].includes(rows[0]?.engine ?? ''))
        .catch(() => false);
      this.exchangeSupport.set(schema, p);
    }
    return p;
  }

  /**
   * Puts `staged` in place of `target`: one atomic EXCHANGE where the database allows it,
   * else two renames (the target is briefly absent). The previous data is dropped afterwards.
   */
  async swapIn(staged: Relation, target: Relation, existing: RelationKind | undefined): Promise<void> {
    if (this.cluster) return this.swapInOnCluster(staged, target, existing);
    const t = relationSql(target.schema, target.identifier);
    const s = relationSql(staged.schema, staged.identifier);
    if (existing === undefined) {
      await this.client.command(`RENAME TABLE ${s} TO ${t}`);
      return;
    }
    if (existing !== 'table') {
      // A view, materialized view or dictionary in the way (the model changed materialization).
      await this.drop(target, existing);
      await this.client.command(`RENAME TABLE ${s} TO ${t}`);
      return;
    }
    if (await this.canExchange(target.schema)) {
      await this.client.command(`EXCHANGE TABLES ${s} AND ${t}`);
      await this.drop(staged, 'table'); // now holds the previous data
      return;
    }
    // One statement for both renames: the server runs it to the end even if this process dies
    // between them; a backup left by a crash of the server itself is restored by dropLeftovers().
    const backupRel = { schema: target.schema, identifier: `${target.identifier}${BACKUP_MARKER}${this.runId}` };
    const backup = relationSql(backupRel.schema, backupRel.identifier);
    try {
      await this.client.command(`RENAME TABLE ${t} TO ${backup}, ${s} TO ${t}`);
    } catch (error) {
      if ((await this.relationKind(target)) === undefined && (await this.relationKind(backupRel)) !== undefined)
        await this.client.command(`RENAME TABLE ${backup} TO ${t}`); // put the old table back
      throw error;
    }
    await this.client.command(`DROP TABLE IF EXISTS ${backup}`);
  }

  /** swapIn() on every host: EXCHANGE … ON CLUSTER, else one two-pair RENAME … ON CLUSTER (never a moment without the target). */
  private async swapInOnCluster(staged: Relation, target: Relation, existing: RelationKind | undefined): Promise<void> {
    await this.syncReplicas(staged);
    if (existing === 'table' && (await this.canExchange(target.schema))) {
      await this.ddl(`EXCHANGE TABLES ${relationSql(staged.schema, staged.identifier)} AND ${relationSql(target.schema, target.identifier)}${this.onCluster()}`);
      await this.drop(staged, 'table');
      return;
    }
    if (existing === undefined) return this.rename([[staged, target]]);
    if (existing !== 'table') {
      await this.drop(target, existing);
      return this.rename([[staged, target]]);
    }
    const backup = { schema: target.schema, identifier: `${target.identifier}${BACKUP_MARKER}${this.runId}` };
    await this.rename([
      [target, backup],
      [staged, target],
    ]);
    await this.drop(backup, 'table');
  }

  /**
   * Cluster mode: waits until every replica has the parts of `rel` before it is swapped in.
   * `SYSTEM SYNC REPLICA … ON CLUSTER` where the server has it; old servers (18.x) sync this node's
   * replica, and inserts wait for the other replicas through insert_quorum (insertSettings()).
   */
  async syncReplicas(rel: Relation): Promise<void> {
    if (!this.cluster) return;
    const [row] = await this.tablesQuery<{ engine: string }>(
      `SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
    );
    if (!row || !row.engine.startsWith('Replicated')) return;
    const name = relationSql(rel.schema, rel.identifier);
    try {
      await this.client.command(`SYSTEM SYNC REPLICA ${name}${this.onCluster()}`);
    } catch (error) {
      if (!/Syntax error/i.test(String((error as Error).message))) throw this.clusterError(error);
      await this.client.command(`SYSTEM SYNC REPLICA ${name}`);
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
  /** What the server was found to know, by `<system table>:<name>`: asked once per adapter. */
  private readonly serverKnows = new Map<string, Promise<boolean>>();

  /** Whether `system.<table>` lists `name` (false when the table itself is missing, as on old servers). */
  private knows(table: 'settings' | 'data_type_families', name: string): Promise<boolean> {
    const key = `${table}:${name}`;
    let p = this.serverKnows.get(key);
    if (!p) {
      p = this.client
        .query<{ n: string | number }>(`SELECT count() AS n FROM system.${table} WHERE name = ${sqlString(name)}`)
        .then((rows) => Number(rows[0]?.n ?? 0) > 0)
        .catch(() => false);
      this.serverKnows.set(key, p);
    }
    return p;
  }

  /** Whether the server knows a data type (e.g. Date32, which servers before 21.9 lack). */
  hasTypeFamily(name: string): Promise<boolean> {
    return this.knows('data_type_families', name);
  }

  /** Whether the server knows a setting (e.g. mutations_sync, which 18.x lacks). */
  hasSetting(name: string): Promise<boolean> {
    return this.knows('settings', name);
  }

  /** Settings for an INSERT into a Distributed table: synchronous, and acknowledged by every replica of each shard. */
  async insertSettings(): Promise<Record<string, unknown>> {
    this.replicaCount ??= this.client
      .query<{ n: string | number }>(
        `SELECT min(c) AS n FROM (SELECT shard_num, count() AS c FROM system.clusters WHERE cluster = ${sqlString(this.cluster ?? '')} GROUP BY shard_num)`,
      )
      .then((rows) => Number(rows[0]?.n ?? 1))
      .catch(() => 1);
    const replicas = await this.replicaCount;
    return { insert_distributed_sync: 1, ...(replicas > 1 ? { insert_quorum: replicas } : {}) };
  }
}

/** The kind of relation a `system.tables` engine name stands for. */
export function kindOfEngine(engine: string): RelationKind {
  if (engine === 'MaterializedView') return 'materialized_view';
  if (engine === 'Dictionary') return 'dictionary';
  return /View$/.test(engine) ? 'view' : 'table';
}

export interface ServerVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
}

export function parseServerVersion(text: string): ServerVersion {
  const [major = 0, minor = 0] = text.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return { text, major, minor };
}

/** Whether `v` is at least `major.minor`. */
export const atLeast = (v: ServerVersion, major: number, minor = 0): boolean => v.major > major || (v.major === major && v.minor >= minor);

/** `SETTINGS a = 1, b = 'x'` for a mapping, '' when empty. */
export function settingsClause(settings: unknown): string {
  if (!settings || typeof settings !== 'object') return '';
  const pairs = Object.entries(settings as Record<string, unknown>).map(
    ([k, v]) => `${k} = ${typeof v === 'string' ? sqlString(v) : typeof v === 'boolean' ? (v ? 1 : 0) : String(v)}`,
  );
  return pairs.length ? `SETTINGS ${pairs.join(', ')}` : '';
}

export { sqlString };
