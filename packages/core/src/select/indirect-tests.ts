import type { Manifest } from '../manifest/manifest.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import { ancestorsOf } from './graph-operators.js';
import type { IndirectSelection } from './selector-spec.js';

/**
 * A selection in dbt's two parts: `direct` is selected; `indirect` holds tests that
 * cautious/buildable mode left out for now, because some of their parents were not
 * selected by this part but may be by another part of a union.
 */
export interface Selection {
  readonly direct: ReadonlySet<string>;
  readonly indirect: ReadonlySet<string>;
}

interface Env {
  readonly manifest: Manifest;
  readonly graph: ProjectGraph;
}

/**
 * Adds the tests of selected nodes (dbt's `expand_selection`):
 * eager: a test with any parent selected; cautious: with all parents selected;
 * buildable: with all parents selected or ancestors of the selection; empty: none.
 */
export function expandWithTests(env: Env, selected: ReadonlySet<string>, mode: IndirectSelection): Selection {
  if (mode === 'empty') return { direct: selected, indirect: new Set() };
  const direct = new Set(selected);
  const indirect = new Set<string>();
  const buildable = mode === 'buildable' ? buildableSet(env, selected) : undefined;
  for (const id of selected) {
    for (const child of env.graph.children(id)) {
      if (direct.has(child) || !isTest(env.manifest.nodes.get(child)?.resourceType)) continue;
      const parents = env.graph.parents(child);
      if (mode === 'eager' || parents.every((p) => selected.has(p))) direct.add(child);
      else if (buildable && parents.every((p) => buildable.has(p))) direct.add(child);
      else indirect.add(child);
    }
  }
  return { direct, indirect };
}

/**
 * After a union/intersection/difference: a test held back by cautious/buildable is
 * selected now if the combined selection holds all its parents (dbt's `incorporate_indirect_nodes`).
 */
export function incorporateIndirect(
  env: Env,
  direct: ReadonlySet<string>,
  indirect: ReadonlySet<string>,
  mode: IndirectSelection,
): Set<string> {
  const selected = new Set(direct);
  if (mode !== 'cautious' && mode !== 'buildable') return selected;
  const allowed = mode === 'buildable' ? buildableSet(env, direct) : direct;
  for (const id of indirect) {
    if (selected.has(id) || !isTest(env.manifest.nodes.get(id)?.resourceType)) continue;
    if (env.graph.parents(id).every((p) => allowed.has(p))) selected.add(id);
  }
  return selected;
}

/** The selection, its ancestors, and sources (they exist without being built). */
function buildableSet(env: Env, selected: ReadonlySet<string>): Set<string> {
  const set = new Set([...selected, ...ancestorsOf(env.graph, selected)]);
  for (const node of env.manifest.nodes.values()) if (node.resourceType === 'source') set.add(node.uniqueId);
  return set;
}

/** dbt's can_select_indirectly: data tests and unit tests follow the nodes they test. */
function isTest(type: string | undefined): boolean {
  return type === 'test' || type === 'unit_test';
}
