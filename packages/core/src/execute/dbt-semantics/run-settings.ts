import type { ManifestNode } from '../../manifest/nodes.js';
import { withCastKeepNullable } from './cast-keep-nullable.js';
import { withColumnPrecedence } from './column-precedence.js';
import { CORRELATED_BUFFER, withCorrelatedBuffer } from './correlated-buffer.js';
import { SET_OPERATION_SETTINGS, withSetOperationModes } from './set-operation-modes.js';
import { probeOrNullCombinator } from './empty-aggregates.js';
import { runCodeOf } from './inlined-code.js';
import { probeServerFeatures, type ServerFeatureProbe } from './server-features.js';

/** What run-settings.ts asks of the adapter: whether the server knows a setting (cached by the adapter). */
export interface SettingProbe extends ServerFeatureProbe {
  hasSetting(name: string): Promise<boolean>;
}

/**
 * A model, snapshot or test with the query settings its run adds under dbt_semantics
 * (cast-keep-nullable.ts, column-precedence.ts, correlated-buffer.ts, set-operation-modes.ts), each only where the server knows it. The one
 * place run/build, `show` and a model's unit tests get them, so all three answer alike.
 */
export async function withRunSettings<N extends ManifestNode>(adapter: SettingProbe, node: N, nodes?: ReadonlyMap<string, ManifestNode>): Promise<N> {
  const [castKeepNullable, preferColumnNames, correlatedBuffer] = await Promise.all([
    adapter.hasSetting('cast_keep_nullable').catch(() => false),
    adapter.hasSetting('prefer_column_name_to_alias').catch(() => false),
    adapter.hasSetting(CORRELATED_BUFFER).catch(() => false),
  ]);
  // `nodes`: the manifest's, so that the ephemeral models the node inlines count as its SQL (inlined-code.ts).
  const code = runCodeOf(node, nodes);
  const settled = withCorrelatedBuffer(withColumnPrecedence(withCastKeepNullable(node, castKeepNullable, code), preferColumnNames, code), correlatedBuffer, code);
  return withSetOperationSettings(adapter, settled, nodes);
}

/** The node with set-operation-modes.ts' settings the server knows (also what `validate` checks a model with: a plain UNION is valid). */
export async function withSetOperationSettings<N extends ManifestNode>(adapter: SettingProbe, node: N, nodes?: ReadonlyMap<string, ManifestNode>): Promise<N> {
  // and whether the server has -OrNull, Date32, Decimal256 and sign(), which the SQL rewrites of empty-aggregates.ts, float-casts.ts and
  // round-half-away.ts need (server-features.ts; asked once per adapter)
  const [known] = await Promise.all([
    Promise.all(SET_OPERATION_SETTINGS.map((name) => adapter.hasSetting(name).catch(() => false))),
    probeOrNullCombinator(adapter),
    probeServerFeatures(adapter),
  ]);
  return withSetOperationModes(node, new Set(SET_OPERATION_SETTINGS.filter((_, k) => known[k])), runCodeOf(node, nodes));
}

/** dbt_semantics' settings a statement of a template may take from the node rendering it (each decided for that node, known to the server). */
const TEMPLATE_QUERY_SETTINGS = ['cast_keep_nullable', 'join_use_nulls', ...SET_OPERATION_SETTINGS];

/**
 * The settings a template's `run_query` / `statement` runs with while `node` runs: the dbt_semantics
 * ones its run has (withRunSettings, load/dbt-semantics.ts), so that what a model reads at run time
 * answers as its own query would — `min(cast(d as date))` over a NULL is NULL, as on dbt's warehouses,
 * not ClickHouse's "Cannot convert NULL value to non-Nullable type" (fivetran/dbt_quickbooks' date spine).
 */
export function templateQuerySettings(node: ManifestNode): Record<string, string | number> | undefined {
  const own = node.config.query_settings;
  if (!own || typeof own !== 'object' || Array.isArray(own)) return undefined;
  const picked = Object.entries(own as Record<string, unknown>).filter(([k, v]) => TEMPLATE_QUERY_SETTINGS.includes(k) && (typeof v === 'string' || typeof v === 'number'));
  return picked.length ? (Object.fromEntries(picked) as Record<string, string | number>) : undefined;
}
