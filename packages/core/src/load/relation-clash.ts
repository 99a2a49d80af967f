import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

/**
 * dbt's AmbiguousAliasError: two resources that would build the same relation (same schema and
 * alias, e.g. two models with `alias='x'`) fail the load, before anything is built — one would
 * silently replace the other. Ephemeral models, tests, sources and unit tests build no relation.
 */
export function checkRelationClashes(
  nodes: Iterable<ManifestNode>,
  flags?: Readonly<Record<string, unknown>>,
  onLog?: (message: string, level: 'warn', event?: string) => void,
): void {
  const seen = new Map<string, ManifestNode>();
  const sameName = new Map<string, ManifestNode>();
  // dbt's _check_resource_uniqueness also refuses a versioned and an unversioned model of one name in one package.
  const byName = new Map<string, { versioned?: ManifestNode; unversioned?: ManifestNode }>();
  for (const node of nodes) {
    if (node.resourceType === 'model') {
      const entry = byName.get(`${node.packageName}.${node.name}`) ?? {};
      if (node.version === undefined) entry.unversioned ??= node;
      else entry.versioned ??= node;
      byName.set(`${node.packageName}.${node.name}`, entry);
      if (entry.versioned && entry.unversioned) throw versionedUnversioned(entry.versioned, entry.unversioned);
    }
    if (REFABLE_RANK[node.resourceType] !== undefined && (node.resourceType !== 'model' || node.version === undefined)) {
      const key = `${node.packageName}.${node.name}`;
      const other = sameName.get(key);
      if (other) duplicateName(other, node, flags, onLog);
      else sameName.set(key, node);
    }
    const key = builtRelation(node);
    if (key === undefined) continue;
    const clash = seen.get(key);
    if (!clash) {
      seen.set(key, node);
      continue;
    }
    throw new ProjectError(
      'ambiguous_alias',
      `dbt found two resources with the database representation "${key}". dbt cannot create two resources with identical database representations. To fix this, change the configuration of one of these resources: ${clash.uniqueId} (${clash.originalFilePath}), ${node.uniqueId} (${node.originalFilePath})`,
      { file: node.originalFilePath, hint: 'Give one of them another alias or schema (config alias=… / schema=…).' },
    );
  }
}

/** The relation a node builds (`schema.identifier`), or undefined when it builds none. */
export function builtRelation(node: ManifestNode): string | undefined {
  const builds = node.resourceType === 'seed' || node.resourceType === 'snapshot' || (node.resourceType === 'model' && node.config.materialized !== 'ephemeral');
  return builds ? `${node.relation.schema}.${node.relation.identifier}` : undefined;
}

/** dbt's DuplicateVersionedUnversionedError, in its words. */
function versionedUnversioned(versioned: ManifestNode, unversioned: ManifestNode): ProjectError {
  const patchPath = (versioned as { patchPath?: string }).patchPath;
  return new ProjectError(
    'duplicate_versioned_unversioned',
    `dbt found versioned and unversioned models with the name "${versioned.name}".\n\nSince these resources have the same name, dbt will be unable to find the correct resource\nwhen looking for ref('${versioned.name}').\n\nTo fix this, change the name of the unversioned resource\n${unversioned.uniqueId} (${unversioned.originalFilePath})\nor add the unversioned model to the versions in ${patchPath ? `${versioned.packageName}://${patchPath}` : versioned.originalFilePath}`,
    { file: unversioned.originalFilePath, hint: `Rename ${unversioned.originalFilePath}, or list it under the versions of '${versioned.name}'.` },
  );
}

/** dbt parses models, then snapshots, then seeds: the order its messages name two such nodes in. */
const REFABLE_RANK: Readonly<Record<string, number>> = { model: 0, snapshot: 1, seed: 2 };

/**
 * dbt 1.11's _check_resource_uniqueness: a model, seed or snapshot of one package with the name of
 * another (a seed `same_name.csv` next to `same_name.sql`, each with its own relation) makes `ref('same_name')`
 * ambiguous — dbt's DuplicateNameDistinctNodeTypesDeprecation warning, or with `flags:
 * require_unique_project_resource_names: true` its DuplicateResourceNameError.
 */
function duplicateName(a: ManifestNode, b: ManifestNode, flags: Readonly<Record<string, unknown>> | undefined, onLog: ((message: string, level: 'warn', event?: string) => void) | undefined): void {
  const [first, second] = REFABLE_RANK[a.resourceType]! <= REFABLE_RANK[b.resourceType]! ? [a, b] : [b, a];
  if (flags?.require_unique_project_resource_names === true) {
    const kinds = first.resourceType === second.resourceType ? `${first.resourceType}s` : 'resources';
    throw new ProjectError(
      'duplicate_resource_name',
      `dbt found two ${kinds} with the name "${first.name}".\n\nSince these resources have the same name, dbt will be unable to find the correct resource\nwhen looking for ref("${first.name}").\n\nTo fix this, change the name of one of these resources:\n- ${first.uniqueId} (${first.originalFilePath})\n- ${second.uniqueId} (${second.originalFilePath})`,
      { file: second.originalFilePath, hint: 'Rename one of them (resources of one package share one ref() namespace).' },
    );
  }
  onLog?.(
    `Found resources with the same name '${first.name}' in package '${first.packageName}': '${first.uniqueId}' and '${second.uniqueId}'. Please update one of the resources to have a unique name.`,
    'warn',
    'DuplicateNameDistinctNodeTypesDeprecation',
  );
}
