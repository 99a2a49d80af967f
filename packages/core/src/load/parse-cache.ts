import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { RefCall } from '../manifest/nodes.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import type { RenderReads } from '../render/render-reads.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';
import type { Renderer } from '../render/renderer.js';

/*
 * dbt's partial parsing for tsdbt (target/partial_parse.bin): the result of each Jinja parse render
 * of a model, singular test or snapshot, reused on the next load when nothing it depended on changed:
 * - the file's text (content hash) and what the loader hands the render (the node's name, fqn,
 *   package, version and config from project folders and YAML: RenderNodeInfo);
 * - the vars, env vars and dbt flags the render read, by value; every macro it called (their texts);
 * - globally (parseCacheKey): the tsdbt build, the project's name, the target, the installed
 *   packages and the set of macro names (a new macro may change what a name resolves to).
 * A render that read something that differs per run (invocation_id, run_started_at, modules) or
 * logged is never stored, nor one whose result holds a DBT_ENV_SECRET_* value (the file keeps no
 * secret: read values are kept as hashes). A file that is corrupt, truncated, of another format or of other global
 * inputs is ignored (a full parse), never trusted: it carries a hash of its payload.
 * The rest of a load (YAML, configs, tests, graph) runs as without a cache, so a warm manifest is
 * the cold one.
 */

/** The parse result a cache entry holds (what load/parse-sql-node.ts returns). */
export interface CachedParse {
  readonly rendered: string;
  readonly state: RenderState;
  readonly unrendered?: LiteralRelations;
}

interface Entry {
  readonly source: string;
  readonly info: string;
  readonly vars: readonly (readonly [string, string | undefined])[];
  readonly env: readonly (readonly [string, string | undefined])[];
  readonly flags?: string;
  readonly macros: readonly (readonly [string, string])[];
  readonly configKeys: readonly string[];
  readonly rendered: string;
  readonly refs: readonly RefCall[];
  readonly sources: readonly [string, string][];
  readonly configCalls: readonly Record<string, unknown>[];
  readonly macrosUsed: readonly string[];
  readonly usesWarehouse: boolean;
  readonly needsNames: boolean;
  readonly unrendered?: LiteralRelations;
}

/** How a load used the cache (LoadedProject.partialParse). */
export interface PartialParseReport {
  /** off: disabled (--no-partial-parse); cold: no usable cache file; warm: one was read. */
  readonly mode: 'off' | 'cold' | 'warm';
  /** Why no cache file was usable (cold). */
  readonly reason?: string;
  /** Unique ids of the nodes rendered with Jinja in this load (not reused). */
  readonly rendered: readonly string[];
  /** How many Jinja renders were reused. */
  readonly reused: number;
  /** How many of `rendered` were rendered on worker threads (load/parse-pool.ts). */
  readonly workerRendered?: number;
  /** True when the whole load was skipped: its saved result was reused (load/warm-start.ts). */
  readonly warmStart?: boolean;
  /** True when that saved result was the one this process kept in memory from an earlier command (load/warm-memory.ts: a resident process). */
  readonly warmKept?: boolean;
  /** A warm start brought up to date: the project files (relative paths) whose nodes were parsed again (load/warm-update.ts). */
  readonly warmUpdate?: readonly string[];
}

const FORMAT = 'tsdbt-partial-parse/1';

const hash = (text: string) => createHash('sha1').update(text).digest('base64');

/** Plain data only (what serialises and compares faithfully): no Relation, SafeString, Python value objects. */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value))) return true;
  if (t !== 'object' || depth > 20) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every((v) => isPlainData(v, depth + 1));
}

export class ParseCache {
  private readonly entries: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();
  private readonly rendered: string[] = [];
  private reused = 0;
  private stored = 0;
  /** The names of the vars each render of this load read (by the render's id: a node's unique id, a generic test's `test.<pkg>.<name>`). */
  private readonly varNames = new Map<string, Set<string>>();

  private constructor(
    private readonly file: string,
    private readonly key: Readonly<Record<string, string>>,
    private readonly mode: 'cold' | 'warm',
    entries: Map<string, Entry>,
    private readonly secrets: readonly string[],
    private readonly reason?: string,
  ) {
    this.entries = entries;
  }

  /**
   * Reads the cache file at `file` made with the global inputs `key` (a cold cache when unusable).
   * `secrets`: DBT_ENV_SECRET_* values (shared/secrets.ts), never written to the file.
   */
  static open(file: string, key: Readonly<Record<string, string>>, secrets: readonly string[]): ParseCache {
    const read = readCacheFile(file, key);
    return typeof read === 'string' ? new ParseCache(file, key, 'cold', new Map(), secrets, read) : new ParseCache(file, key, 'warm', read, secrets);
  }

  /** The reused parse of `source` for the node `info`, when every input it read is unchanged. */
  lookup(renderer: Renderer, source: string, info: RenderNodeInfo): CachedParse | undefined {
    const id = entryId(info);
    const e = this.entries.get(id);
    const fresh = e !== undefined && e.source === hash(source) && e.info === infoKey(info) && this.inputsHold(renderer, e);
    if (!fresh) {
      this.rendered.push(info.uniqueId);
      return undefined;
    }
    this.reused++;
    this.noteVarNames(info.uniqueId, e.vars);
    this.next.set(id, e);
    renderer.noteConfigKeysRead(e.configKeys);
    renderer.noteReads({ vars: new Map(e.vars), env: new Map(e.env) }); // the load read them too (its warm start)
    const state = newRenderState({
      mode: 'parse',
      node: info,
      refs: [...e.refs],
      sources: [...e.sources],
      configCalls: [...e.configCalls],
      macrosUsed: new Set(e.macrosUsed),
      usesWarehouse: e.usesWarehouse,
      needsNames: e.needsNames,
    });
    return { rendered: e.rendered, state, ...(e.unrendered ? { unrendered: e.unrendered } : {}) };
  }

  /** Keeps a fresh parse for the next load (unless it read something that differs per run). */
  store(renderer: Renderer, source: string, info: RenderNodeInfo, parsed: CachedParse, reads: RenderReads): void {
    renderer.noteReads(reads); // a worker's render: the load read them too (its warm start)
    this.noteVarNames(info.uniqueId, reads.vars);
    if (reads.volatile) return;
    const { state } = parsed;
    const macros: [string, string][] = [];
    for (const id of state.macrosUsed) {
      const h = renderer.macroHash(id);
      if (h === undefined) return;
      macros.push([id, h]);
    }
    if (!isPlainData(state.configCalls) || !isPlainData(state.refs) || !isPlainData(state.sources) || !isPlainData(parsed.unrendered)) return;
    if (this.secrets.length > 0) {
      const text = parsed.rendered + JSON.stringify([state.configCalls, state.refs, state.sources, parsed.unrendered ?? null]);
      if (this.secrets.some((s) => text.includes(s))) return;
    }
    let info_: string;
    try {
      info_ = infoKey(info);
    } catch {
      return;
    }
    this.next.set(entryId(info), {
      source: hash(source),
      info: info_,
      vars: [...reads.vars],
      env: [...reads.env],
      ...(reads.flags !== undefined ? { flags: reads.flags } : {}),
      macros,
      configKeys: [...reads.configKeys],
      rendered: parsed.rendered,
      refs: [...state.refs],
      sources: [...state.sources],
      configCalls: [...state.configCalls],
      macrosUsed: [...state.macrosUsed],
      usesWarehouse: state.usesWarehouse,
      needsNames: state.needsNames,
      ...(parsed.unrendered ? { unrendered: parsed.unrendered } : {}),
    });
    this.stored++;
  }

  /**
   * Writes the entries of this load for the next one (atomically: a rename), unless nothing
   * changed. A cache that cannot be written (read-only folder) is skipped: it is only a cache.
   */
  save(): void {
    const unchanged = this.mode === 'warm' && this.stored === 0 && this.next.size === this.entries.size;
    this.entries.clear(); // the load is done: keep only what the next one may need
    if (unchanged) return;
    if (this.next.size === 0) {
      try {
        rmSync(this.file, { force: true }); // nothing worth keeping (no Jinja file, or none cacheable)
      } catch {
        // a read-only target folder: the stale file is ignored when its entries do not match
      }
      return;
    }
    const payload = serialize([...this.next]);
    const header = JSON.stringify({ format: FORMAT, key: this.key, payload: createHash('sha1').update(payload).digest('hex') });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Two writes, not one buffer of both: the payload (~24 MB for 10k Jinja models) is not copied at a cold load's peak.
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, header + '\n');
        for (let at = 0; at < payload.length; ) at += writeSync(fd, payload, at);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  /** Which vars (by name) each render of this load read, reused or not (load/warm-vars-update.ts). */
  varReads(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.varNames;
  }

  private noteVarNames(id: string, vars: Iterable<readonly [string, unknown]>): void {
    let names = this.varNames.get(id);
    for (const [key] of vars) (names ??= this.varNames.set(id, new Set()).get(id)!).add(key.slice(key.indexOf('\0') + 1));
  }

  report(): PartialParseReport {
    return { mode: this.mode, ...(this.reason ? { reason: this.reason } : {}), rendered: [...this.rendered], reused: this.reused };
  }

  private inputsHold(renderer: Renderer, e: Entry): boolean {
    for (const [id, h] of e.macros) if (renderer.macroHash(id) !== h) return false;
    return renderer.readsHold({ vars: new Map(e.vars), env: new Map(e.env), flags: e.flags });
  }
}

function entryId(info: RenderNodeInfo): string {
  return `${info.uniqueId}\0${info.originalFilePath}`;
}

function infoKey(info: RenderNodeInfo): string {
  return hash(JSON.stringify(info));
}

/** The entries of a cache file, or why it cannot be used. */
function readCacheFile(file: string, key: Readonly<Record<string, string>>): Map<string, Entry> | string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return 'no cache file';
  }
  try {
    const cut = bytes.indexOf(10);
    if (cut < 0) return 'the cache file is corrupt';
    const header = JSON.parse(bytes.subarray(0, cut).toString('utf8')) as { format?: unknown; key?: Record<string, unknown>; payload?: unknown };
    if (header.format !== FORMAT) return 'the cache file has another format';
    const changed = Object.keys({ ...key, ...header.key }).filter((k) => header.key?.[k] !== key[k]);
    if (changed.length) return `${changed.join(', ')} changed`;
    const payload = bytes.subarray(cut + 1);
    if (createHash('sha1').update(payload).digest('hex') !== header.payload) return 'the cache file is corrupt';
    const entries = deserialize(payload) as [string, Entry][];
    if (!Array.isArray(entries)) return 'the cache file is corrupt';
    return new Map(entries);
  } catch {
    return 'the cache file is corrupt';
  }
}
