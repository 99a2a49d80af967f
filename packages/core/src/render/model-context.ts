import type { Manifest } from '../manifest/manifest.js';
import { dbtConfigDict, nodeContext, nodeDict } from '../manifest/node-dict.js';
import { DateTime, UTC } from './modules/datetime.js';
import { lateRelation } from './relation.js';
import type { RenderState } from './render-state.js';

/** Keys of dbt's node that YAML patches fill after the SQL is parsed (empty while dbt parses). */
const PATCHED_KEYS = ['columns', 'description', 'patch_path', 'docs', 'constraints', 'contract'] as const;

/**
 * dbt's `model` context variable: the node being rendered as its manifest dict (dbt passes
 * `node.to_dict()`). At run time it is the manifest's node (alias, schema, columns, description,
 * raw_code, depends_on… — what a custom materialization copied from dbt reads: `model['alias']`).
 * While parsing, its relation names are those of `this` (a name not known yet renders the node
 * again once every name is), and reading what YAML patches give (columns, description…) renders
 * the node again at run time, as dbt's compile renders it with the patched node.
 */
export function modelContext(st: RenderState, manifest: Manifest | undefined, config: Record<string, unknown>): Record<string, unknown> | undefined {
  const node = st.node;
  if (!node) return undefined;
  const own = {
    // dbt's config object: alias/schema/database None when not set (a test's schema dbt_test__audit).
    config: dbtConfigDict(node.resourceType, config),
    version: node.version ?? null,
    latest_version: node.latestVersion ?? null,
    // dbt's BatchContext of a microbatch model's batch (None outside one).
    batch: st.batch ? { id: st.batch.id, event_time_start: DateTime.fromJsDate(st.batch.start, UTC), event_time_end: DateTime.fromJsDate(st.batch.end, UTC) } : null,
  };
  const built = st.mode === 'execute' ? manifest?.nodes.get(node.uniqueId) : undefined;
  // Inside its materialization a node is compiled: dbt's model.compiled_code (a function's body for dbt's
  // scalar_function_body_sql), extra_ctes (the ephemeral models it inlined) and extra_ctes_injected.
  const m = st.materialization;
  if (built) return { ...nodeDict(built, m ? { extraCtes: [], extraCtesInjected: true, ...m.code, sql: m.sql } : undefined, nodeContext(manifest!)), ...own };
  const dict: Record<string, unknown> = {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    fqn: [...node.fqn],
    tags: Array.isArray(config.tags) ? config.tags : typeof config.tags === 'string' ? [config.tags] : [],
    meta: config.meta ?? {},
    ...own,
  };
  const late = () => lateRelation({ kind: 'this' }, st);
  const getters: Record<string, () => unknown> = {
    database: () => late().database ?? '',
    schema: () => late().schema,
    alias: () => late().identifier,
    identifier: () => late().identifier,
    relation_name: () => String(late()),
  };
  for (const key of PATCHED_KEYS)
    getters[key] = () => {
      // Known once the YAML is applied: render again at run time (as `execute` does).
      st.usesWarehouse = true;
      return key === 'columns' || key === 'docs' || key === 'contract' ? {} : key === 'constraints' ? [] : key === 'description' ? '' : null;
    };
  for (const [key, get] of Object.entries(getters)) Object.defineProperty(dict, key, { get, enumerable: true, configurable: true });
  return dict;
}
