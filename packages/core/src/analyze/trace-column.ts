// Column lineage of one column across the DAG (TsdbtProject.columnLineage): its ancestors and descendants validated, then traced.
import type { ProjectHost } from '../project-host.js';
import { UsageError } from '../shared/errors.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { parseColumnSpec } from './column-spec.js';
import { LineageGraph, type ColumnTrace, type TraceOptions } from './lineage-graph.js';
import { validateProject } from './validate-project.js';

/** See TsdbtProject.columnLineage. */
export async function traceColumn(p: ProjectHost, spec: string, options: TraceOptions = {}): Promise<ColumnTrace> {
  optionalInteger('depth', options.depth, NUMERIC_RULES.depth);
  const { node, column } = parseColumnSpec(p.manifest, spec);
  const selector = node.resourceType === 'source' ? `+source:${node.sourceName}.${node.name}+` : `+${node.name}+`;
  const analysis = await validateProject(p, { select: [selector], resourceTypes: ['model', 'seed', 'source'], write: false });
  const graph = new LineageGraph(analysis);
  const key = { node: node.uniqueId, column };
  if (!graph.has(key)) {
    const result = analysis.nodes.get(node.uniqueId);
    if (result && result.status !== 'valid')
      throw new UsageError('lineage_unavailable', `${node.name} does not validate, so its lineage is unknown`, { hint: `Run tsdbt validate --select ${node.name} and fix what it reports.` });
    const names = result?.columns.map((c) => c.name) ?? [];
    const guess = didYouMean(column, names);
    throw new UsageError('lineage_column', `${node.name} has no column '${column}'`, { hint: guess ? `Did you mean ${node.name}.${guess}?` : `Its columns: ${names.join(', ')}.` });
  }
  return graph.trace(key, options);
}
