import type { ManifestNode } from './nodes.js';

/** Nodes by what ref() and source() call them, per package: name → package → node. */
export interface NodeLookup {
  readonly byName: ReadonlyMap<string, ReadonlyMap<string, ManifestNode>>;
  readonly sources: ReadonlyMap<string, ReadonlyMap<string, ManifestNode>>;
}

/**
 * The lookup of `nodes`, or of `base` plus `nodes` (incremental re-loads extend the previous one;
 * `base` is never modified).
 */
export function nodeLookup(nodes: Iterable<ManifestNode>, base?: NodeLookup): NodeLookup {
  const byName = new Map(base?.byName);
  const sources = new Map(base?.sources);
  const put = (map: Map<string, ReadonlyMap<string, ManifestNode>>, key: string, n: ManifestNode) => {
    const inner = map.get(key);
    if (inner?.get(n.packageName) === n) return;
    map.set(key, new Map(inner).set(n.packageName, n));
  };
  for (const n of nodes) {
    if (n.resourceType === 'model' && n.version !== undefined) {
      // dbt's RefableLookup: a versioned model is found as `name.v<version>`, and by its bare name when it is the latest version.
      put(byName, versionKey(n.name, n.version), n);
      if (n.version === n.latestVersion) put(byName, n.name, n);
    } else if (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') put(byName, n.name, n);
    else if (n.resourceType === 'source') put(sources, `${(n as { sourceName: string }).sourceName}.${n.name}`, n);
  }
  return { byName, sources };
}

/**
 * dbt's _packages_to_search: a ref naming a package looks only there; otherwise the root project
 * first, then the package of the node that calls it, then any package.
 */
function find(entries: ReadonlyMap<string, ManifestNode> | undefined, target: string | undefined, nodePackage: string | undefined, rootPackage: string): ManifestNode | undefined {
  if (!entries) return undefined;
  if (target) return entries.get(target);
  return entries.get(rootPackage) ?? (nodePackage ? entries.get(nodePackage) : undefined) ?? entries.values().next().value;
}

/** The lookup key of one version of a model (dbt's `search_name`). */
export function versionKey(name: string, version: string): string {
  return `${name}.v${version}`;
}

/** What `ref([package,] name[, v=version])` written in a node of `nodePackage` refers to. */
export function lookupRef(lookup: NodeLookup, name: string, pkg: string | undefined, nodePackage: string | undefined, rootPackage: string, version?: string): ManifestNode | undefined {
  return find(lookup.byName.get(version !== undefined ? versionKey(name, version) : name), pkg || undefined, nodePackage, rootPackage);
}

/** What `source(source, table)` written in a node of `nodePackage` refers to. */
export function lookupSource(lookup: NodeLookup, source: string, table: string, nodePackage: string | undefined, rootPackage: string): ManifestNode | undefined {
  return find(lookup.sources.get(`${source}.${table}`), undefined, nodePackage, rootPackage);
}

/** Every name a ref could use, for a did-you-mean (a version's `name.vN` key aside: names have no dots). */
export function refNames(lookup: NodeLookup): Iterable<string> {
  return [...lookup.byName.keys()].filter((k) => !k.includes('.'));
}
