import type { ProjectGraph } from '../graph/project-graph.js';
import type { SelectionCriterion } from './selector-spec.js';

/** The nodes the criterion's graph operators add to `selected` (dbt's `collect_specified_neighbors`). */
export function graphNeighbors(graph: ProjectGraph, spec: SelectionCriterion, selected: ReadonlySet<string>): Set<string> {
  const added = new Set<string>();
  if (spec.childrensParents) {
    // @x: x and its descendants, then every ancestor of those (what building them needs).
    const withChildren = new Set([...selected, ...descendantsOf(graph, selected)]);
    addAll(added, withChildren);
    addAll(added, ancestorsOf(graph, withChildren));
  }
  if (spec.parents) addAll(added, ancestorsOf(graph, selected, spec.parentsDepth));
  if (spec.children) addAll(added, descendantsOf(graph, selected, spec.childrenDepth));
  return added;
}

/** Ancestors of any node of `start` within `depth` edges (all when undefined). */
export function ancestorsOf(graph: ProjectGraph, start: Iterable<string>, depth?: number): Set<string> {
  return walk(start, depth, (id) => graph.parents(id));
}

export function descendantsOf(graph: ProjectGraph, start: Iterable<string>, depth?: number): Set<string> {
  return walk(start, depth, (id) => graph.children(id));
}

/**
 * Breadth-first from all start nodes at once: a node within `depth` of any of them is
 * found, which equals the union of per-node walks without repeating shared subgraphs.
 */
function walk(start: Iterable<string>, depth: number | undefined, next: (id: string) => readonly string[]): Set<string> {
  const found = new Set<string>();
  const visited = new Set(start);
  let frontier = [...visited];
  for (let level = 0; frontier.length > 0 && (depth === undefined || level < depth); level++) {
    const nextFrontier: string[] = [];
    for (const id of frontier) {
      for (const m of next(id)) {
        found.add(m);
        if (!visited.has(m)) {
          visited.add(m);
          nextFrontier.push(m);
        }
      }
    }
    frontier = nextFrontier;
  }
  return found;
}

function addAll(target: Set<string>, items: Iterable<string>): void {
  for (const item of items) target.add(item);
}
