import type { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import { isEmptyNode } from '../manifest/lazy-nodes.js';
import type { ManifestNode, ResourceType } from '../manifest/nodes.js';
import { UsageError } from '../shared/errors.js';
import type { PreviousState } from '../state/previous-state.js';
import { evaluateSpec, type EvalContext } from './evaluate-spec.js';
import type { Selection } from './indirect-tests.js';
import { defaultSelectorName, NamedSelectors } from './named-selectors.js';
import { parseSelectArgs } from './parse-selector.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection, type SelectionSpec } from './selector-spec.js';

export interface SelectionOptions {
  /** Each element may hold several space-separated arguments (union); commas intersect. */
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** A named selector from selectors.yml; overrides select and exclude. */
  readonly selector?: string;
  /** The command's resource types; default all. */
  readonly resourceTypes?: readonly ResourceType[];
  /** Default eager. */
  readonly indirectSelection?: IndirectSelection;
  /**
   * `--state DIR`: a previous run's artifacts (manifest.json, run_results.json, sources.json) for the
   * `state:`, `result:` and `source_status:` methods (and `--defer`). TsdbtProject reads the folder.
   */
  readonly state?: string;
  /** Called for each --select/--exclude argument that matches nothing, and when --selector overrides them. */
  readonly onWarning?: (message: string) => void;
}

/** The artifacts state-based methods read, already loaded (select/ reads no files). */
export interface StateArtifacts {
  readonly state?: PreviousState;
  readonly currentFreshness?: PreviousState['sources'];
}

/** dbt's default when nothing is selected: every node and every source. */
const DEFAULT_SELECT = ['fqn:* source:*'];

/**
 * The unique ids selected by dbt's grammar: methods, graph operators, union (space),
 * intersection (comma), --exclude as a difference, tests added indirectly per
 * `indirectSelection`, and finally the command's resource types.
 * A selection that matches nothing is not an error: the caller decides how to warn.
 */
export function selectNodes(manifest: Manifest, graph: ProjectGraph, options: SelectionOptions, artifacts: StateArtifacts = {}): Set<string> {
  const mode = options.indirectSelection ?? 'eager';
  if (!INDIRECT_SELECTION_MODES.includes(mode)) {
    throw new UsageError('selector-invalid-indirect-selection', `Invalid indirect selection "${String(mode)}".`, {
      hint: `Use one of: ${INDIRECT_SELECTION_MODES.join(', ')}.`,
    });
  }
  const named = new NamedSelectors(manifest);
  const ctx: EvalContext = {
    manifest,
    graph,
    indirectSelection: mode,
    onWarning: options.onWarning,
    state: artifacts.state,
    currentFreshness: artifacts.currentFreshness,
    namedSelector: (name) => named.evaluate(name, ctx).direct,
  };

  const hasSelect = (options.select?.length ?? 0) > 0;
  const hasExclude = (options.exclude?.length ?? 0) > 0;
  const defaultSelector = defaultSelectorName(manifest);
  let selection: Selection | undefined;
  if (options.selector !== undefined) {
    if (options.selector.trim() === '') throw new UsageError('selector-empty-value', 'The --selector name is empty.');
    if (hasSelect || hasExclude) options.onWarning?.(`--selector ${options.selector} overrides --select and --exclude.`);
    selection = named.evaluate(options.selector, ctx);
  } else if (!hasSelect && !hasExclude && defaultSelector !== undefined) {
    selection = named.evaluate(defaultSelector, ctx);
  } else if (hasSelect || hasExclude) {
    selection = evaluateSpec(cliSpec(options, mode), ctx);
  }
  // Else dbt's default `fqn:* source:*` picks every node (tests follow their parents): not evaluated, the nodes read in turn.

  const types = options.resourceTypes?.length ? new Set(options.resourceTypes) : undefined;
  const result = new Set<string>();
  // dbt's `_is_graph_member`: a node whose file holds nothing at all (`node.empty`) is never selected.
  const member = (node: ManifestNode) => (!types || types.has(node.resourceType)) && !isEmptyNode(node);
  if (!selection) {
    for (const [id, node] of manifest.nodes) if (member(node)) result.add(id);
    return result;
  }
  for (const id of selection.direct) {
    const node = manifest.nodes.get(id);
    if (node && member(node)) result.add(id);
  }
  return result;
}

/** `--select A --exclude B` = difference(union(A), union(B)), as dbt's `parse_difference`. */
function cliSpec(options: SelectionOptions, mode: IndirectSelection): SelectionSpec {
  const include = options.select?.length
    ? parseSelectArgs(options.select, { indirectSelection: mode, expectExists: true })
    : parseSelectArgs(DEFAULT_SELECT, { indirectSelection: mode, expectExists: false });
  const components = [include];
  // dbt parses the exclude side with eager indirect selection whatever the mode: excluding a model
  // always excludes the tests that touch it.
  if (options.exclude?.length) components.push(parseSelectArgs(options.exclude, { indirectSelection: 'eager', expectExists: true }));
  return { kind: 'difference', raw: '', expectExists: false, components };
}
