import type { ClickHouseAdapter } from '../../adapter/clickhouse-adapter.js';
import { atLeast } from '../../adapter/server-version.js';
import type { Manifest } from '../../manifest/manifest.js';

/*
 * The warehouse's own functions (SQL UDFs `CREATE FUNCTION contains AS (arr, v) -> has(arr, v)`, executable
 * UDFs) that are named like another warehouse's function dbt_semantics rewrites (contains, nvl, square,
 * split_part…): a dbt-clickhouse project that made one calls it bare and means its own, so the call is left as
 * written. ClickHouse names them case-sensitively (`CONTAINS(…)` does not call `contains`), so the match is exact.
 *
 * Listing them costs a system.functions scan (20–60 ms, more cold), so it is taken only for a node whose SQL
 * calls such a name, once per run (listed again by the next run: another client may have made one). The
 * functions this process creates or drops meanwhile (hooks, run-operation, function nodes) are seen as their
 * statements are sent, and a project's dbt 1.11 function nodes count as made.
 */
class UserFunctions {
  private listed: Set<string> | undefined;
  private listing: Promise<void> | undefined;
  /** Names this process's statements created (true) or dropped (false) since the listing. */
  private readonly sent = new Map<string, boolean>();

  constructor(private readonly adapter: ClickHouseAdapter) {
    adapter.client.observe?.((sql) => this.noteStatement(sql));
  }

  /** The names known now (no statement sent): the listing if taken, and what this process created since. */
  known(): ReadonlySet<string> {
    const names = new Set(this.listed);
    for (const [name, made] of this.sent) made ? names.add(name) : names.delete(name);
    return names;
  }

  /** The names, listed first when not yet this run. */
  async list(): Promise<ReadonlySet<string>> {
    this.listing ??= this.query().then(
      (names) => void (this.listed = names),
      () => void (this.listing = undefined),
    );
    await this.listing;
    return this.known();
  }

  /** Listed again when next asked for (a new run). */
  forget(): void {
    this.listed = undefined;
    this.listing = undefined;
    this.sent.clear();
  }

  private async query(): Promise<Set<string>> {
    // SQL functions came in ClickHouse 21.10 (system.functions' origin a little later: no column, none listed).
    if (!atLeast(await this.adapter.serverVersion(), 21, 10)) return new Set();
    // Statements sent while listing are noted after it: the listing may or may not hold them.
    this.sent.clear();
    try {
      const rows = await this.adapter.client.query<{ name: string }>(`SELECT name FROM system.functions WHERE origin != 'System'`);
      return new Set(rows.map((r) => r.name));
    } catch {
      return new Set();
    }
  }

  private noteStatement(sql: string): void {
    const m = FUNCTION_DDL.exec(sql);
    if (!m) return;
    const name = m[3] !== undefined ? m[3].replace(/``/g, '`').replace(/\\(.)/g, '$1') : m[4] !== undefined ? m[4].replace(/""/g, '"') : m[5]!;
    this.sent.set(name, /^create/i.test(m[1]!));
  }
}

/** CREATE [OR REPLACE] FUNCTION [IF NOT EXISTS] name / DROP FUNCTION [IF EXISTS] name, after leading comments. */
const FUNCTION_DDL = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(create(?:\s+or\s+replace)?|drop)\s+function\s+(if\s+(?:not\s+)?exists\s+)?(?:`((?:[^`\\]|\\.|``)*)`|"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))/i;

const trackers = new WeakMap<ClickHouseAdapter, UserFunctions>();

/** The adapter's tracker of the warehouse's own functions. */
export function userFunctions(adapter: ClickHouseAdapter): UserFunctions {
  let t = trackers.get(adapter);
  if (!t) trackers.set(adapter, (t = new UserFunctions(adapter)));
  return t;
}

const functionNodeNames = new WeakMap<Manifest, ReadonlySet<string>>();

/** The names a project's dbt 1.11 function nodes are created under. */
export function projectFunctionNames(manifest: Manifest): ReadonlySet<string> {
  let names = functionNodeNames.get(manifest);
  if (!names) {
    names = new Set([...manifest.nodes.values()].filter((n) => n.resourceType === 'function').map((n) => n.relation.identifier));
    functionNodeNames.set(manifest, names);
  }
  return names;
}
