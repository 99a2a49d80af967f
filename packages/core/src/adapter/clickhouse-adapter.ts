import type { Relation } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import type { QueryOptions, WarehouseClient } from './warehouse-client.js';

export type RelationKind = 'table' | 'view';

/** A column as ClickHouse describes it. */
export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
}

/** Suffix of the relations a build writes before swapping them in; the run id follows. */
export const TEMP_MARKER = '__tsdbt_tmp_';

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Warehouse operations the materializations are made of. Stateless but for a few caches;
 * every statement goes through the one WarehouseClient.
 */
export class ClickHouseAdapter {
  private readonly exchangeSupport = new Map<string, Promise<boolean>>();
  private readonly knownDatabases = new Map<string, Promise<void>>();

  constructor(
    readonly client: WarehouseClient,
    readonly runId: string,
  ) {}

  ensureDatabase(schema: string): Promise<void> {
    let p = this.knownDatabases.get(schema);
    if (!p) {
      p = this.client.command(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(schema)}`);
      this.knownDatabases.set(schema, p);
      p.catch(() => this.knownDatabases.delete(schema));
    }
    return p;
  }

  async relationKind(rel: Relation): Promise<RelationKind | undefined> {
    const rows = await this.client.query<{ engine: string }>(
      `SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
    );
    if (rows.length === 0) return undefined;
    return /View$/.test(rows[0]!.engine) && rows[0]!.engine !== 'MaterializedView' ? 'view' : 'table';
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
    const prefix = `${rel.identifier}${TEMP_MARKER}`;
    const rows = await this.client.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${sqlString(rel.schema)} AND startsWith(name, ${sqlString(prefix)})`,
    );
    const stale = rows.map((r) => r.name);
    for (const name of stale) await this.drop({ schema: rel.schema, identifier: name }, 'table');
    return stale;
  }

  /** DROP TABLE drops views too, and old servers (18.x) have no DROP VIEW. */
  async drop(rel: Relation, _kind: RelationKind): Promise<void> {
    await this.client.command(`DROP TABLE IF EXISTS ${relationSql(rel.schema, rel.identifier)}`);
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
    const t = relationSql(target.schema, target.identifier);
    const s = relationSql(staged.schema, staged.identifier);
    if (existing === undefined) {
      await this.client.command(`RENAME TABLE ${s} TO ${t}`);
      return;
    }
    if (existing === 'view') {
      await this.drop(target, 'view');
      await this.client.command(`RENAME TABLE ${s} TO ${t}`);
      return;
    }
    if (await this.canExchange(target.schema)) {
      await this.client.command(`EXCHANGE TABLES ${s} AND ${t}`);
      await this.drop(staged, 'table'); // now holds the previous data
      return;
    }
    const backup = relationSql(target.schema, `${target.identifier}__tsdbt_backup_${this.runId}`);
    await this.client.command(`RENAME TABLE ${t} TO ${backup}`);
    try {
      await this.client.command(`RENAME TABLE ${s} TO ${t}`);
    } catch (error) {
      await this.client.command(`RENAME TABLE ${backup} TO ${t}`); // put the old table back
      throw error;
    }
    await this.client.command(`DROP TABLE IF EXISTS ${backup}`);
  }
}

/** `SETTINGS a = 1, b = 'x'` for a mapping, '' when empty. */
export function settingsClause(settings: unknown): string {
  if (!settings || typeof settings !== 'object') return '';
  const pairs = Object.entries(settings as Record<string, unknown>).map(
    ([k, v]) => `${k} = ${typeof v === 'string' ? sqlString(v) : typeof v === 'boolean' ? (v ? 1 : 0) : String(v)}`,
  );
  return pairs.length ? `SETTINGS ${pairs.join(', ')}` : '';
}

export { sqlString };
