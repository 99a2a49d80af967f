import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

/**
 * dbt's AmbiguousAliasError: two resources that would build the same relation (same schema and
 * alias, e.g. two models with `alias='x'`) fail the load, before anything is built — one would
 * silently replace the other. Ephemeral models, tests, sources and unit tests build no relation.
 */
export function checkRelationClashes(nodes: Iterable<ManifestNode>): void {
  const seen = new Map<string, ManifestNode>();
  for (const node of nodes) {
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
