import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode, Relation } from '../manifest/nodes.js';
import type { StateManifest } from './previous-state.js';

/** A node `--defer` may read from the state's relation instead of its own. */
export interface DeferCandidate {
  readonly node: ManifestNode;
  /** Where the state manifest says the node was built (e.g. production). */
  readonly stateRelation: Relation;
}

/** Nodes ref() can name and that have a relation of their own (dbt's refables, ephemeral models aside). */
const REFABLE = new Set(['model', 'seed', 'snapshot']);

/**
 * dbt's `merge_from_artifact` limited to what this run does not build: every unselected, refable,
 * non-ephemeral node that the state manifest also holds, with the state's relation (its schema and
 * alias there). Whether each is then read from the state is the caller's decision (--favor-state, or
 * the node's own relation missing in the target).
 */
export function deferCandidates(manifest: Manifest, state: StateManifest, selected: ReadonlySet<string>): DeferCandidate[] {
  const out: DeferCandidate[] = [];
  for (const node of manifest.nodes.values()) {
    if (selected.has(node.uniqueId) || !REFABLE.has(node.resourceType)) continue;
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') continue;
    const old = state.nodes.get(node.uniqueId);
    if (!old || !REFABLE.has(String(old['resource_type']))) continue;
    const oldConfig = (old['config'] ?? {}) as Record<string, unknown>;
    if (old['resource_type'] === 'model' && oldConfig['materialized'] === 'ephemeral') continue;
    const schema = old['schema'];
    const identifier = old['alias'] ?? old['identifier'] ?? old['name'];
    if (typeof schema !== 'string' || typeof identifier !== 'string' || schema === '') continue;
    out.push({ node, stateRelation: { schema, identifier } });
  }
  return out;
}
