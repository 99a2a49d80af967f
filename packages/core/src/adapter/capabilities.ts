import { sqlString } from '../render/placeholders.js';
import type { WarehouseClient } from './warehouse-client.js';

/** Definite answers about a server's statements, by server (host:port or data directory): shared by every adapter of this process. */
const serverAnswers = new Map<string, Map<string, boolean>>();

/**
 * What the server can do, asked once per statement kind (`exchange:<database>`, `drop_sync`,
 * `settings:<name>`…): the one place capability probes live. Only a definite answer is kept; a
 * probe that fails (connection lost, timeout, server busy) is asked again the next time, so one
 * bad moment does not switch a statement kind to its fallback for the rest of the session.
 * Answers about the server (syntax, settings) are kept for the process; answers about a database
 * (`exchange:<database>`: its engine) for this adapter only, as a database may be recreated.
 */
export class Capabilities {
  private readonly known: Map<string, boolean>;
  private readonly perDatabase = new Map<string, boolean>();
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly client: WarehouseClient) {
    const t = client.target;
    const server = t.type === 'chdb' ? `chdb:${t.path}` : `${t.host}:${t.port}`;
    this.known = serverAnswers.get(server) ?? serverAnswers.set(server, new Map()).get(server)!;
  }

  private store(key: string): Map<string, boolean> {
    return key.startsWith('exchange:') ? this.perDatabase : this.known;
  }

  /** The cached answer for `key`, else `probe()`'s (kept only when it resolves). */
  ask(key: string, probe: () => Promise<boolean>): Promise<boolean> {
    const known = this.store(key).get(key);
    if (known !== undefined) return Promise.resolve(known);
    let p = this.inFlight.get(key);
    if (!p) {
      p = probe().then(
        (answer) => {
          this.store(key).set(key, answer);
          this.inFlight.delete(key);
          return answer;
        },
        (error: unknown) => {
          this.inFlight.delete(key);
          throw error;
        },
      );
      this.inFlight.set(key, p);
    }
    return p;
  }

  /** What a statement itself proved (e.g. the server's syntax error for `DROP … SYNC`). */
  learn(key: string, answer: boolean): void {
    this.store(key).set(key, answer);
  }

  /** The answer already known for `key`, if any. */
  peek(key: string): boolean | undefined {
    return this.store(key).get(key);
  }

  /** Whether `schema`'s database engine can EXCHANGE TABLES (Atomic can; Ordinary and old servers cannot). */
  exchange(schema: string): Promise<boolean> {
    return this.ask(`exchange:${schema}`, async () => {
      const rows = await this.client.query<{ engine: string }>(`SELECT engine FROM system.databases WHERE name = ${sqlString(schema)}`);
      // A database that does not exist yet has no answer to keep.
      if (rows.length === 0) throw new Error(`database ${schema} not found`);
      return ['Atomic', 'Replicated', 'Shared'].includes(rows[0]!.engine);
    });
  }

  /** lists() for a caller that cannot wait (a template's statement is sent while a render runs, synchronously): the answer known, else asked with blocking queries. */
  listsSync(table: 'settings' | 'functions', name: string): boolean {
    const key = `${table}:${name}`;
    const known = this.store(key).get(key);
    if (known !== undefined) return known;
    const count = (sql: string) => Number(this.client.querySync(sql).rows[0]?.[0] ?? 0);
    const answer = count(`SELECT count() FROM system.tables WHERE database = 'system' AND name = ${sqlString(table)}`) > 0 && count(`SELECT count() FROM system.${table} WHERE name = ${sqlString(name)}`) > 0;
    this.store(key).set(key, answer);
    return answer;
  }

  /** Whether `system.<table>` lists `name` (false when the table itself is missing, as on old servers). */
  lists(table: 'settings' | 'merge_tree_settings' | 'data_type_families' | 'functions', name: string): Promise<boolean> {
    return this.ask(`${table}:${name}`, async () => {
      const [exists] = await this.client.query<{ n: string | number }>(
        `SELECT count() AS n FROM system.tables WHERE database = 'system' AND name = ${sqlString(table)}`,
      );
      if (Number(exists?.n ?? 0) === 0) return false;
      const rows = await this.client.query<{ n: string | number }>(`SELECT count() AS n FROM system.${table} WHERE name = ${sqlString(name)}`);
      return Number(rows[0]?.n ?? 0) > 0;
    });
  }
}

/** A server's answer that a statement's syntax is unknown to it (code 62): a definite "cannot". */
export function isSyntaxError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Code: 62\b|Syntax error/i.test(message);
}

/**
 * A server refusing to exchange two objects' files (ClickHouse's EXCHANGE TABLES and CREATE OR
 * REPLACE over an existing object use renameat2(RENAME_EXCHANGE), which NFS, EFS, CephFS… lack:
 * UNSUPPORTED_METHOD "renameat2 is not supported"): a definite "cannot" that changed nothing; one
 * RENAME does the same swap there.
 */
export function isNoAtomicExchange(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /renameat2|RENAME_EXCHANGE|\bUNSUPPORTED_METHOD\b|\bATOMIC_RENAME_FAIL\b/.test(message);
}
