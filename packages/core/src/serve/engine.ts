import { mkdirSync } from 'node:fs';
import type { Session as ChdbSession } from 'chdb';
import { quoteIdentifier } from '../render/placeholders.js';
import type { ReadonlyLevel } from './access.js';
import { ErrorCode, HttpQueryError, settingLiteral } from './protocol.js';
import { setChdbAllocatorEnv } from '../adapter/chdb-allocator.js';

type ChdbModule = typeof import('chdb');

/** chDB is a large native library: loaded only when a server starts. */
async function loadChdb(): Promise<ChdbModule> {
  setChdbAllocatorEnv();
  const mod = (await import('chdb')) as ChdbModule & { default?: ChdbModule };
  return mod.Session ? mod : mod.default!;
}

/**
 * One chDB connection and what the HTTP layer changed on it. chDB connections on one path share
 * the data but not settings or the current database, so each is a ClickHouse "session".
 */
export class EngineSession {
  /** Settings SET on this connection by the server (name → literal). */
  readonly applied = new Map<string, string>();
  database = 'default';
  /** A stateless request ran SET/USE/temporary tables here, or set readonly: the connection is dropped after it. */
  tainted = false;
  /** The readonly level set on this connection (it can only go up). */
  readonlyLevel: ReadonlyLevel = 0;
  busy = false;
  lastUsed = Date.now();
  timeoutMs = 60_000;

  constructor(
    readonly chdb: ChdbSession,
    readonly id?: string,
  ) {}

  async run(sql: string): Promise<void> {
    await this.chdb.queryAsync(sql, { format: 'TabSeparated' });
  }

  /**
   * The statement as ClickHouse's own parser renders it (formatQuery, with this connection's
   * settings): exactly one statement, comments dropped, literals normalized. Throws ClickHouse's
   * syntax error, including "Multi-statements are not allowed".
   */
  async canonical(sql: string): Promise<string> {
    try {
      return (await this.chdb.queryBindAsync('SELECT formatQuery({tsdbt_statement:String})', { tsdbt_statement: sql }, { format: 'TSVRaw' })).text().replace(/\n$/, '');
    } catch (error) {
      // The message describes the client's statement, not the wrapper that parsed it.
      if (error instanceof Error) error.message = error.message.replace(/:? In scope SELECT formatQuery\([\s\S]*?\)\.?(?= \(|$)/, '');
      throw error;
    }
  }

  /**
   * Sets the connection's readonly level, after the request's own settings (so that they cannot
   * lower it). A level cannot be lowered again: a pooled connection with one is closed after use.
   */
  async restrict(level: ReadonlyLevel): Promise<void> {
    if (level === this.readonlyLevel) return;
    await this.run(`SET readonly = ${level}`);
    this.readonlyLevel = level;
  }

  /**
   * Brings a pooled connection to the request's settings and database: only what differs from the
   * previous request is SET (tsdbt sends the same settings every time, so usually nothing).
   */
  async prepareStateless(settings: ReadonlyMap<string, string>, database: string | undefined): Promise<void> {
    const changes: string[] = [];
    for (const [name, value] of settings) {
      const literal = settingLiteral(value);
      if (this.applied.get(name) !== literal) changes.push(`${name} = ${literal}`);
    }
    for (const name of this.applied.keys()) if (!settings.has(name)) changes.push(`${name} = DEFAULT`);
    if (changes.length) {
      try {
        await this.run(`SET ${changes.join(', ')}`);
      } catch (error) {
        this.tainted = true;
        throw error;
      }
      for (const name of [...this.applied.keys()]) if (!settings.has(name)) this.applied.delete(name);
      for (const [name, value] of settings) this.applied.set(name, settingLiteral(value));
    }
    const db = database || 'default';
    if (db !== this.database) {
      try {
        await this.run(`USE ${quoteIdentifier(db)}`);
      } catch (error) {
        this.tainted = true;
        throw error;
      }
      this.database = db;
    }
  }

  /**
   * URL settings and `database` apply to one query of a named session (its own SET/USE persist):
   * they are set for the query and the previous values restored after it.
   */
  async applyScoped(settings: ReadonlyMap<string, string>, database: string | undefined): Promise<() => Promise<void>> {
    const restore: string[] = [];
    if (settings.size) {
      const names = [...settings.keys()].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
      const previous = (
        await this.chdb.queryAsync(`SELECT name, value, changed FROM system.settings WHERE name IN (${names.map((n) => `'${n}'`).join(', ')})`, {
          format: 'JSONEachRow',
        })
      )
        .text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { name: string; value: string; changed: number });
      // Only what differs is SET: a session at readonly = 1 still takes the values it already has.
      const differing = previous.filter((p) => p.value !== settings.get(p.name));
      const unknown = names.filter((n) => !previous.some((p) => p.name === n));
      const changes = [...differing.map((p) => p.name), ...unknown];
      if (changes.length) await this.run(`SET ${changes.map((k) => `${k} = ${settingLiteral(settings.get(k)!)}`).join(', ')}`);
      for (const p of differing) restore.push(`${p.name} = ${p.changed ? settingLiteral(p.value) : 'DEFAULT'}`);
    }
    let previousDb: string | undefined;
    if (database) {
      previousDb = (await this.chdb.queryAsync('SELECT currentDatabase()', { format: 'TabSeparated' })).text().trim();
      if (previousDb !== database) await this.run(`USE ${quoteIdentifier(database)}`);
      else previousDb = undefined;
    }
    return async () => {
      try {
        if (restore.length) await this.run(`SET ${restore.join(', ')}`);
        if (previousDb) await this.run(`USE ${quoteIdentifier(previousDb)}`);
      } catch {
        this.tainted = true;
      }
    };
  }

  close(): void {
    this.chdb.close();
  }
}

/** Named sessions open at once (each is a chDB connection). */
const MAX_SESSIONS = 256;

/** The embedded warehouse behind the server: a pool of stateless connections and the named sessions. */
export class Engine {
  private readonly idle: EngineSession[] = [];
  private readonly waiters: ((s: EngineSession) => void)[] = [];
  private readonly named = new Map<string, EngineSession>();
  private total = 0;
  private closed = false;
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly mod: ChdbModule,
    readonly path: string,
    private readonly poolSize: number,
    /**
     * A connection never handed out: chDB shuts its engine down when the last connection on a
     * path closes, and the pool closes every connection a client set readonly on.
     */
    private readonly anchor: EngineSession,
    readonly version: string,
    readonly timezone: string,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
  }

  /** Opens the data directory (failing if another process holds it) with up to `poolSize` connections. */
  static async open(path: string, poolSize: number): Promise<Engine> {
    const mod = await loadChdb();
    mkdirSync(path, { recursive: true });
    const anchor = new EngineSession(new mod.Session(path));
    const row = (await anchor.chdb.queryAsync('SELECT version(), timezone()', { format: 'TabSeparated' })).text().trim().split('\t');
    return new Engine(mod, path, Math.max(1, poolSize), anchor, row[0] ?? 'unknown', row[1] ?? 'UTC');
  }

  /** A stateless connection; waits (in order) when all are busy. */
  acquire(): Promise<EngineSession> {
    if (this.closed) return Promise.reject(new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'ABORTED', 'The server is shutting down', 503));
    const s = this.idle.pop() ?? (this.total < this.poolSize ? this.create() : undefined);
    if (s) {
      s.busy = true;
      return Promise.resolve(s);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(s: EngineSession): void {
    s.busy = false;
    s.lastUsed = Date.now();
    if (s.id !== undefined) {
      if (s.tainted || this.closed) this.dropNamed(s.id);
      return;
    }
    if (s.tainted || s.readonlyLevel !== 0 || this.closed) {
      s.close();
      this.total--;
      const next = this.waiters.shift();
      if (next && !this.closed) {
        const fresh = this.create();
        fresh.busy = true;
        next(fresh);
      }
      return;
    }
    const next = this.waiters.shift();
    if (next) {
      s.busy = true;
      next(s);
    } else this.idle.push(s);
  }

  /** The connection of `session_id`, created unless `check` (session_check=1) says it must exist. */
  session(id: string, options: { check: boolean; timeoutMs: number }): EngineSession {
    let s = this.named.get(id);
    if (!s) {
      if (options.check) throw new HttpQueryError(ErrorCode.SESSION_NOT_FOUND, 'SESSION_NOT_FOUND', `Session ${id} not found`);
      if (this.named.size >= MAX_SESSIONS)
        throw new HttpQueryError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES', `Too many open sessions (${MAX_SESSIONS}); let idle ones expire (session_timeout) or reuse a session_id`);
      s = new EngineSession(new this.mod.Session(this.path), id);
      this.named.set(id, s);
    }
    if (s.busy) throw new HttpQueryError(ErrorCode.SESSION_IS_LOCKED, 'SESSION_IS_LOCKED', `Session ${id} is locked by a concurrent client`);
    s.busy = true;
    s.timeoutMs = options.timeoutMs;
    return s;
  }

  private create(): EngineSession {
    this.total++;
    return new EngineSession(new this.mod.Session(this.path));
  }

  private dropNamed(id: string): void {
    const s = this.named.get(id);
    if (!s || s.busy) return;
    this.named.delete(id);
    s.close();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.named) if (!s.busy && now - s.lastUsed > s.timeoutMs) this.dropNamed(id);
  }

  get sessionCount(): number {
    return this.named.size;
  }

  /**
   * Runs a `KILL QUERY` at once, synchronously, on the connection never handed out: the statements it stops may hold
   * every pooled connection and every engine thread (an async statement would wait behind them).
   */
  killNow(sql: string): void {
    this.anchor.chdb.query(sql, 'TabSeparated');
  }

  /** Closes every idle connection; busy ones close when released. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const s of this.idle.splice(0)) s.close();
    for (const [id, s] of this.named) if (!s.busy) this.dropNamed(id);
    this.anchor.close();
  }
}
