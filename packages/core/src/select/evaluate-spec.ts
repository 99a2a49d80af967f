import type { ProjectGraph } from '../graph/project-graph.js';
import { graphNeighbors } from './graph-operators.js';
import { expandWithTests, incorporateIndirect, type Selection } from './indirect-tests.js';
import { getMethod, type MethodContext } from './methods/index.js';
import { selectorSuggestion } from './suggest.js';
import type { IndirectSelection, SelectionCriterion, SelectionSet, SelectionSpec } from './selector-spec.js';

export interface EvalContext extends MethodContext {
  readonly graph: ProjectGraph;
  /** The command's --indirect-selection; a criterion may override it. */
  readonly indirectSelection: IndirectSelection;
  readonly onWarning?: (message: string) => void;
}

/**
 * dbt's `select_nodes_recursively`: each criterion runs its method, then its graph
 * operators, then adds tests; sets combine the parts' direct and indirect nodes.
 */
export function evaluateSpec(spec: SelectionSpec, ctx: EvalContext): Selection {
  return spec.kind === 'criterion' ? evaluateCriterion(spec, ctx) : evaluateSet(spec, ctx);
}

function evaluateCriterion(spec: SelectionCriterion, ctx: EvalContext): Selection {
  const collected = new Set<string>();
  for (const id of getMethod(spec.method).search(ctx, spec.value, spec.methodArgs)) {
    if (ctx.graph.has(id)) collected.add(id);
  }
  for (const id of graphNeighbors(ctx.graph, spec, collected)) collected.add(id);
  return expandWithTests(ctx, collected, spec.indirectSelection ?? ctx.indirectSelection);
}

function evaluateSet(spec: SelectionSet, ctx: EvalContext): Selection {
  const parts = spec.components.map((component) => evaluateSpec(component, ctx));
  const withIndirect = parts.map((p) => new Set([...p.direct, ...p.indirect]));
  // A difference also removes the tests its excluded part held back (cautious/buildable):
  // excluding a node excludes its tests in every mode, not only in eager mode as in dbt.
  const direct =
    spec.kind === 'difference'
      ? combine('difference', [parts[0]?.direct ?? new Set<string>(), ...withIndirect.slice(1)])
      : combine(spec.kind, parts.map((p) => p.direct));
  const indirect = combine(spec.kind, withIndirect);
  const selected = incorporateIndirect(ctx, direct, indirect, ctx.indirectSelection);
  if (spec.expectExists && selected.size === 0) {
    ctx.onWarning?.(`The selection criterion '${spec.raw}' does not match any enabled nodes.${selectorSuggestion(spec, ctx.manifest)}`);
  }
  return { direct: selected, indirect };
}

function combine(kind: SelectionSet['kind'], sets: readonly ReadonlySet<string>[]): Set<string> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  switch (kind) {
    case 'union':
      return new Set(sets.flatMap((s) => [...s]));
    case 'intersection':
      return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
    case 'difference':
      return new Set([...first].filter((id) => !rest.some((s) => s.has(id))));
  }
}
