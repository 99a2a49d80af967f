import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { checkContract, contractEnforced } from '../contract/contract-check.js';
import { stageContracted } from '../contract/contract-table.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { Staging, withStaging } from '../staging.js';
import { tableOptionsOf } from '../table-options.js';
import { materializeMvTarget } from '../mv/mv-target-table.js';
import { dbtViewsInto, keepForDbtViews, replayDbtViews } from '../mv/dbt-views-into.js';
import { truthy } from '../mv/mv-units-of.js';
import { insertIntoStaged } from './clickhouse-overrides.js';
import type { Materialization, OverrideMacro } from './types.js';

/**
 * Builds `sql` into an owned temporary, then swaps it in place of the target (staging.ts): if
 * anything fails before the swap, the previous table is untouched and the temporary dropped.
 * The caller has called prepareTarget() (withStaging() does).
 */
export async function buildAndSwap(adapter: ClickHouseAdapter, node: ModelNode, sql: string, signal?: AbortSignal): Promise<number> {
  const staging = new Staging(adapter, node.relation, signal);
  try {
    await staging.swap(await stageModel(staging, node, sql));
  } finally {
    await staging.dispose();
  }
  return adapter.rowCount(node.relation);
}

/**
 * The model's rows in an owned temporary, built as its config says (engine, keys, table options).
 * A model with an enforced contract is checked first (its columns against the YAML) and built with
 * the declared types and constraints (contract/contract-table.ts). `insertInto`: the project's own
 * clickhouse__insert_into, which fills the (empty) temporary as dbt-clickhouse's create_table_as does.
 */
export async function stageModel(s: Staging, node: ModelNode, sql: string, purpose?: string, insertInto?: OverrideMacro): Promise<Relation> {
  const fill = insertInto ? (rel: Relation) => insertIntoStaged(s.adapter, node, insertInto, rel, sql, s.signal) : undefined;
  if (contractEnforced(node)) return stageContracted(s, node, await checkContract(s.adapter, node, sql, s.signal), sql, purpose, fill);
  if (!fill) return s.createTableAs(sql, node.config, { purpose, tableOptions: tableOptionsOf(node) });
  const staged = await s.createTableAs(`SELECT * FROM (\n${sql}\n) WHERE 0`, node.config, { purpose, tableOptions: tableOptionsOf(node) });
  await fill(staged);
  return staged;
}

export const materializeTable: Materialization = async (ctx) => {
  const { adapter, node, sql, signal } = ctx;
  // A table that materialized views write into keeps its rows across runs (see mv-target-table.ts).
  if (ctx.models?.feedsOf(node).length) return materializeMvTarget(ctx);
  // …and so does one that dbt's views still write into when the project no longer points them there.
  const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  const views = fullRefresh && !truthy(node.config.repopulate_from_mvs_on_full_refresh) ? [] : await dbtViewsInto(ctx);
  if (!fullRefresh && views.length > 0 && (await adapter.relationKind(node.relation)) === 'table') return keepForDbtViews(ctx, views);
  await withStaging(adapter, node.relation, signal, async (s) => {
    const staged = await stageModel(s, node, sql, undefined, ctx.clickhouseOverride?.('clickhouse__insert_into'));
    if (fullRefresh) await replayDbtViews(adapter, staged, views, signal);
    await s.swap(staged);
  });
  const rows = await adapter.rowCount(node.relation);
  return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
};

/**
 * ClickHouse names a selected `t.col` literally `t.col` when `col` exists in several joined
 * tables; downstream models then cannot say `col`. Warn so the user aliases it.
 */
export async function qualifiedColumnWarnings(adapter: ClickHouseAdapter, node: ModelNode): Promise<string[]> {
  const columns = await adapter.columns(node.relation);
  return columns
    .filter((c) => /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(c.name))
    .map((c) => `${node.originalFilePath}: column '${c.name}' keeps its table prefix (ClickHouse does this when '${c.name.split('.')[1]}' exists in several joined tables). Alias it: ${c.name} AS ${c.name.split('.')[1]}`);
}
