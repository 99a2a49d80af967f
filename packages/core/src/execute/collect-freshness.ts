import type { SourceNode } from '../manifest/nodes.js';
import { AgateTable } from '../render/agate-table.js';
import { Relation } from '../render/relation.js';
import { renderNodeInfo } from '../render/render-state.js';
import { ProjectError } from '../shared/errors.js';
import { runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';

/*
 * A project's (or package's) collect_freshness / collect_freshness_custom_sql. dbt's adapter asks those
 * macros for a source's newest load time (calculate_freshness); tsdbt runs its own equal query unless one
 * is overridden (a project converting time zones, counting only some partitions…). Then, as dbt, the
 * macro is called with the source relation and its one row read: (max_loaded_at, snapshotted_at).
 */

/** Whether a project or package overrides either freshness macro (or the dispatched default__/clickhouse__ forms). */
export const overridesCollectFreshness = (ctx: Pick<RunContext, 'renderer'>): boolean =>
  !ctx.renderer.isBuiltin('collect_freshness') || !ctx.renderer.isBuiltin('collect_freshness_custom_sql');

/** dbt-adapters' CollectFreshnessReturnSignature (D012), its words. */
export const COLLECT_FRESHNESS_RETURN_SIGNATURE =
  "Deprecated functionality: The 'collect_freshness' macro signature has changed to return the full query result, rather than just a table of values. See the v1.5 migration guide for details on how to update your custom macro: https://docs.getdbt.com/guides/migration/versions/upgrading-to-v1.5";

/** What the macro reported: the newest load time (null: none, dbt's "infinitely long ago") and the warehouse's now. */
export interface Collected {
  readonly maxLoadedAt: Date | null;
  readonly snapshottedAt: Date;
  /** dbt's CollectFreshnessReturnSignature: the macro returned the table itself (dbt < 1.5's signature). */
  readonly oldSignature: boolean;
}

/** Calls the freshness macro for `node` (`loadedAtQuery`: its rendered loaded_at_query) and reads its row. */
export function collectWithMacro(ctx: RunContext, node: SourceNode, loadedAtQuery: string | undefined): Collected {
  const state = runtimeState(ctx, undefined, { node: renderNodeInfo(node), relations: ctx.index.resolver(node) });
  // The source's relation by its final names (the statement runs while the macro renders).
  const source = Relation.create({ schema: node.relation.schema, identifier: node.relation.identifier, type: 'table', __keywords: true });
  const [name, args] = loadedAtQuery !== undefined
    ? ['collect_freshness_custom_sql', [source, loadedAtQuery]]
    : ['collect_freshness', [source, node.loadedAtField, node.freshness?.filter ?? null]];
  const value = ctx.renderer.callMacroValue(name, state, args);
  // dbt 1.5+: load_result(...) ({response, table, data}); before, the agate table itself.
  const oldSignature = value instanceof AgateTable;
  const table = oldSignature ? value : (value as { table?: unknown } | null)?.table;
  if (!(table instanceof AgateTable) || table.rows.length !== 1 || table.rows[0]!.length !== 2)
    throw new ProjectError('collect_freshness', `Macro '${name}' returned an unexpected result for source ${node.sourceName}.${node.name}: expected one row of two columns (max_loaded_at, snapshotted_at)`, {
      file: node.originalFilePath,
      hint: `Make ${name} return load_result(...) of a query giving one row: the newest load time and the current time.`,
    });
  const [maxLoadedAt, snapshottedAt] = table.rows[0]!;
  const snapshot = utc(snapshottedAt);
  if (!snapshot) throw new ProjectError('collect_freshness', `Macro '${name}' returned no snapshotted_at for source ${node.sourceName}.${node.name}`, { file: node.originalFilePath });
  return { maxLoadedAt: utc(maxLoadedAt), snapshottedAt: snapshot, oldSignature };
}

/** A warehouse time as dbt's _utc reads it: one without a zone is UTC. */
function utc(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = typeof (value as { isoformat?: unknown }).isoformat === 'function' ? String((value as { isoformat(): string }).isoformat()) : String(value);
  const iso = text.trim().replace(' ', 'T');
  const d = new Date(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
