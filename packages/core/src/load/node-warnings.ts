import { warnMetadataFreshness } from './source-freshness.js';
import { holdsNoSql, isEmptyNode } from '../manifest/lazy-nodes.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { warnModelDeprecations } from './model-deprecations.js';

/** dbt loads a model file with no query (it fails when run): say so at load, naming the files. */
function warnEmptyModels(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  // A file with nothing in it at all is never selected (dbt's node.empty, select-nodes.ts): no warning.
  // (isEmptyNode/holdsNoSql: a warm start's nodes answer without being decoded.)
  const empty = [...nodes].filter((n) => (n.resourceType === 'model' || (n.resourceType === 'test' && n.testType === 'singular')) && !isEmptyNode(n) && holdsNoSql(n));
  if (empty.length)
    onLog(`${empty.map((n) => n.originalFilePath).join(', ')} ${empty.length === 1 ? 'holds' : 'hold'} no SQL (empty, or only comments and config): ${empty.length === 1 ? 'it fails' : 'they fail'} when run; write the query or delete the file`, 'warn');
}

/** As dbt: an incremental model's unknown on_schema_change is reported, then treated as 'ignore'. */
function warnUnknownOnSchemaChange(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  for (const node of nodes) {
    const value = node.config.on_schema_change;
    if (node.resourceType !== 'model' || !String(node.config.materialized).endsWith('incremental') || value === undefined || value === null) continue;
    if (ON_SCHEMA_CHANGE.includes(String(value))) continue;
    const guess = didYouMean(String(value), ON_SCHEMA_CHANGE);
    onLog(`${node.originalFilePath}: on_schema_change='${String(value)}' is not one of ${ON_SCHEMA_CHANGE.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}; 'ignore' is used`, 'warn');
  }
}

const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];

/**
 * The load's warnings about nodes' configs and SQL (each a function of the final nodes: a warm update
 * recomputes them). `project`: every node, for the warnings about a node's parents.
 */
export function nodeWarnings(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void, project?: ReadonlyMap<string, ManifestNode>): void {
  const all = [...nodes];
  warnEmptyModels(all, onLog);
  warnUnknownOnSchemaChange(all, onLog);
  warnMetadataFreshness(all, onLog);
  warnModelDeprecations(all, project, onLog);
}
