import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';

/** What a re-load changed, by unique id. */
export interface ManifestDiff {
  /** Nodes whose rendered SQL, config, relation or parents changed; users of a changed macro; seeds whose CSV changed. */
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** A removed and an added node of the same kind with the same code (a file renamed or moved). */
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
}

/** What decides whether a node must be built again: its SQL as run, its config, where it lands, what it reads. */
function fingerprint(node: ManifestNode): string {
  const common = [node.resourceType, JSON.stringify(node.config), node.relation.schema, node.relation.identifier, [...node.dependsOn].sort().join(',')];
  switch (node.resourceType) {
    case 'model':
    case 'snapshot':
      // A model rendered again at run time (is_incremental, run_query) depends on its raw code too.
      // Column codecs and TTLs are part of the table's DDL: a change rebuilds the model.
      return [...common, node.renderedCode, node.renderAtRuntime || node.needsNames ? node.rawCode : '', JSON.stringify(Object.values(node.columns).map((c) => [c.name, c.codec, c.ttl]))].join('\u0000');
    case 'test':
    case 'analysis':
      return [...common, node.renderedCode].join('\u0000');
    case 'function':
      return [...common, node.renderedCode, JSON.stringify([node.arguments, node.returns ?? null])].join('\u0000');
    case 'seed':
      return [...common, JSON.stringify(Object.values(node.columns).map((c) => [c.name, c.dataType]))].join('\u0000');
    case 'source':
      return [...common, JSON.stringify(node.external ?? null)].join('\u0000');
    case 'unit_test':
      return [...common, JSON.stringify([node.givenAsWritten ?? node.given, node.expect, node.overrides])].join('\u0000');
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
      return [...common, JSON.stringify(node.properties)].join('\u0000');
  }
}

/**
 * Compares two manifests of one project. `changedFiles` (project-relative paths) adds what the
 * manifests cannot show: the users of macros defined in a changed file (a macro used only at run
 * time, e.g. by an incremental model, leaves the parse-time SQL alone) and seeds whose CSV changed.
 */
export function diffManifests(
  previous: Manifest,
  next: Manifest,
  changedFiles: ReadonlySet<string> = new Set(),
  /** When known (incremental re-load): the only ids that can differ; skips the walk over every node. */
  candidates?: Iterable<string>,
): ManifestDiff {
  const changedMacros = new Set<string>();
  for (const macros of [previous.macros, next.macros])
    for (const m of macros.values()) if (changedFiles.has(m.originalFilePath)) changedMacros.add(m.uniqueId);

  // A changed {% materialization %} block changes how the models that ask for it are built (it is not among their macrosUsed).
  const changedMaterializations = new Set([...changedMacros].map((id) => /\.materialization_(.+)_(?:clickhouse|default)$/.exec(id)?.[1]).filter((n): n is string => n !== undefined));

  const changed: string[] = [];
  const added: string[] = [];
  const ids = candidates ? new Set(candidates) : undefined;
  if (ids) for (const n of next.nodes.values()) if (n.resourceType === 'seed' && changedFiles.has(n.originalFilePath)) ids.add(n.uniqueId);
  for (const id of ids ?? next.nodes.keys()) {
    const node = next.nodes.get(id);
    if (!node) continue;
    const before = previous.nodes.get(id);
    if (!before) {
      added.push(id);
      continue;
    }
    const usesChangedMacro =
      changedMacros.size > 0 && (node.macrosUsed.some((m) => changedMacros.has(m)) || (node.resourceType === 'model' && changedMaterializations.has(String(node.config.materialized))));
    const seedFileChanged = node.resourceType === 'seed' && changedFiles.has(node.originalFilePath);
    if (usesChangedMacro || seedFileChanged || (before !== node && fingerprint(before) !== fingerprint(node))) changed.push(id);
  }
  const removed = [...(ids ?? previous.nodes.keys())].filter((id) => previous.nodes.has(id) && !next.nodes.has(id));

  const renamed: { from: string; to: string }[] = [];
  const codeOf = (n: ManifestNode | undefined) => (n && (n.resourceType === 'model' || (n.resourceType === 'test' && n.testType === 'singular')) ? `${n.resourceType}\u0000${n.rawCode}` : undefined);
  const addedByCode = new Map<string, string>();
  for (const id of added) {
    const code = codeOf(next.nodes.get(id));
    if (code !== undefined && !addedByCode.has(code)) addedByCode.set(code, id);
  }
  for (const id of removed) {
    const code = codeOf(previous.nodes.get(id));
    const to = code === undefined ? undefined : addedByCode.get(code);
    if (to) {
      renamed.push({ from: id, to });
      addedByCode.delete(code!);
    }
  }
  return { changed, added, removed, renamed };
}
