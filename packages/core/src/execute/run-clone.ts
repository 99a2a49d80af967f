import { materializeView } from '../adapter/materializations/view.js';
import { applyGrants } from '../adapter/grants.js';
import { persistDocs } from '../adapter/persist-docs.js';
import { resolve } from 'node:path';
import type { ModelNode, Relation, SeedNode, SnapshotNode } from '../manifest/nodes.js';
import { relationSql, sqlString } from '../render/placeholders.js';
import type { NodeResult } from '../report/events.js';
import { newRenderState } from '../render/render-state.js';
import { UsageError } from '../shared/errors.js';
import type { RunContext } from './run-context.js';

type Outcome = Omit<NodeResult, 'node' | 'uniqueId' | 'executionTime' | 'timing'>;

/**
 * dbt's clone materialization (dbt-adapters `materialization clone, default`, with
 * dbt-clickhouse's can_clone_table / create_or_replace_clone): the node's relation in this target
 * becomes a copy of its relation in the `--state` manifest — a zero-copy `CREATE OR REPLACE TABLE
 * … CLONE AS …` when the state's relation is a MergeTree-family table (a project macro
 * `can_clone_table` may say no), else a view `select * from` it. A relation that already exists is
 * left alone unless --full-refresh ("No-op"), as is a node the state does not hold.
 */
export async function runClone(ctx: RunContext, node: ModelNode | SeedNode | SnapshotNode): Promise<Outcome> {
  const adapter = ctx.adapter.forModel(node.config);
  const noop = (level: 'info' | 'debug', message: string): Outcome => {
    ctx.onEvent({ type: 'log', level, message });
    return { status: 'success', message: 'No-op', warnings: [] };
  };
  const defer = ctx.clone?.get(node.uniqueId);
  if (!defer) return noop('info', `No relation found in state manifest for ${node.uniqueId}`);
  const target = node.relation;
  const existing = await adapter.relationKind(target);
  if (existing && !ctx.fullRefresh) return noop('info', `Relation ${relationSql(target.schema, target.identifier)} already exists`);
  if (target.schema === defer.schema && target.identifier === defer.identifier)
    return noop('debug', `Target relation and defer relation are the same, skipping clone for relation: ${relationSql(target.schema, target.identifier)}`);

  await adapter.ensureDatabase(target.schema);
  const [other] = await adapter.client.query<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(defer.schema)} AND name = ${sqlString(defer.identifier)}`, { signal: ctx.signal });
  let message: string;
  if (other && /MergeTree$/.test(other.engine) && canCloneTable(ctx, node)) {
    if (existing && existing !== 'table') await adapter.drop(target, existing);
    await adapter.ddl(`CREATE OR REPLACE TABLE ${relationSql(target.schema, target.identifier)}${adapter.onCluster()} CLONE AS ${relationSql(defer.schema, defer.identifier)}`, { signal: ctx.signal });
    message = 'OK';
  } else {
    // A view over the state's relation, through the view materialization (a table in the way is swapped out).
    const asView = { ...node, config: { ...node.config, materialized: 'view', contract: undefined } } as unknown as ModelNode;
    message = (await materializeView({ adapter, node: asView, sql: `select * from ${relationSql(defer.schema, defer.identifier)}`, recompile: () => '', fullRefresh: true, signal: ctx.signal })).message;
  }
  await applyGrants(adapter, node, existing !== undefined, ctx.signal);
  return { status: 'success', message, warnings: await persistDocs(adapter, node, ctx.signal) };
}

/** dbt's can_clone_table: ClickHouse's answer (a MergeTree table, not a distributed model), unless the project's own macro answers. */
function canCloneTable(ctx: RunContext, node: ModelNode | SeedNode | SnapshotNode): boolean {
  if (String(node.config.materialized ?? '').startsWith('distributed_')) return false;
  if (ctx.renderer.isBuiltin('can_clone_table')) return true;
  const answer = ctx.renderer.callMacro('can_clone_table', newRenderState({ mode: 'execute' }), []).trim();
  return !/^(false|none|0|)$/i.test(answer);
}

/** The relation each node of a state manifest was built as (schema and alias there), for clone. */
export function cloneSources(state: { readonly nodes: ReadonlyMap<string, Readonly<Record<string, unknown>>> }): Map<string, Relation> {
  const out = new Map<string, Relation>();
  for (const [id, old] of state.nodes) {
    const schema = old['schema'];
    const identifier = old['alias'] ?? old['identifier'] ?? old['name'];
    if (typeof schema === 'string' && schema !== '' && typeof identifier === 'string') out.set(id, { schema, identifier });
  }
  return out;
}

/** `clone` needs a --state (or --defer-state) folder, and not the target's own: dbt's errors, before anything runs. */
export function checkCloneState(dir: string | undefined, projectRoot: string, targetDir: string): void {
  if (!dir)
    throw new UsageError('clone_state', '--state or --defer-state are required for deferral, but neither was provided', {
      hint: "Pass --state <folder holding the manifest.json of the environment to clone from, e.g. production's target/>.",
    });
  if (resolve(projectRoot, dir) === resolve(targetDir))
    throw new UsageError('clone_state', `The state and target directories are the same: '${dir}'. Use a different target path (--target-path) or state directory (--state).`, {
      hint: 'Copy the manifest.json to clone from into its own folder (e.g. state/) and pass that.',
    });
}
