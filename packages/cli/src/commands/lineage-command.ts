import type { ColumnKey, ColumnTrace, LineageEdge, TsdbtProject } from '@tsdbt/core';
import { NUMERIC_RULES, prepareValidation } from '@tsdbt/core';
import { numericFlag, openProject, type GlobalFlags, type Io } from './common.js';

interface LineageFlags extends GlobalFlags {
  direction?: string;
  keys?: boolean;
  depth?: string;
  output?: string;
}

/** `tsdbt lineage model.column`: the columns it comes from and the columns computed from it, as trees. */
export async function lineageCommand(spec: string, flags: LineageFlags, io: Io): Promise<number> {
  const depth = numericFlag('--depth', flags.depth, NUMERIC_RULES.depth);
  prepareValidation(); // the scratch warehouse starts while the project loads
  const project = openProject(flags, io, {}, true);
  try {
    // The value's own lineage by default; join, group-by and filter keys on request (they are many).
    const trace = await project.columnLineage(spec, { depth, kinds: flags.keys ? undefined : ['passthrough', 'rename', 'transformation'] });
    const direction = flags.direction ?? 'both';
    if (flags.output === 'json') {
      io.out(JSON.stringify({
        column: { ...trace.column, data_type: trace.type ?? null },
        upstream: direction === 'downstream' ? [] : trace.upstream.map(edgeJson),
        downstream: direction === 'upstream' ? [] : trace.downstream.map(edgeJson),
      }));
      return 0;
    }
    io.out(`${label(project, trace.column)}${trace.type ? ` ${trace.type}` : ''}`);
    if (direction !== 'downstream') printTree(project, io, 'upstream (computed from)', trace, trace.upstream, (e) => e.to, (e) => e.from);
    if (direction !== 'upstream') printTree(project, io, 'downstream (computed from it)', trace, trace.downstream, (e) => e.from, (e) => e.to);
    return 0;
  } finally {
    await project.close();
  }
}

const edgeJson = (e: LineageEdge) => ({ from: e.from, to: e.to, kind: e.kind });
const keyOf = (k: ColumnKey) => `${k.node}\u0001${k.column}`;

/** `name.column` with the node's short name (sources as source.table); unmanaged relations as they are. */
function label(project: TsdbtProject, k: ColumnKey): string {
  const node = project.manifest.nodes.get(k.node);
  if (!node) return `${k.node}.${k.column}`;
  return `${node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name}.${k.column}`;
}

function printTree(project: TsdbtProject, io: Io, title: string, trace: ColumnTrace, edges: readonly LineageEdge[], parentOf: (e: LineageEdge) => ColumnKey, childOf: (e: LineageEdge) => ColumnKey): void {
  io.out('');
  io.out(title);
  if (edges.length === 0) {
    io.out('  (none)');
    return;
  }
  const byParent = new Map<string, LineageEdge[]>();
  for (const e of edges) (byParent.get(keyOf(parentOf(e))) ?? byParent.set(keyOf(parentOf(e)), []).get(keyOf(parentOf(e)))!).push(e);
  const shown = new Set<string>();
  const visit = (at: ColumnKey, indent: string) => {
    for (const e of byParent.get(keyOf(at)) ?? []) {
      const next = childOf(e);
      const again = shown.has(keyOf(next));
      const kind = project.manifest.nodes.get(next.node)?.resourceType;
      io.out(`${indent}${label(project, next)}  ${e.kind}${kind === 'source' || kind === 'seed' ? ` (${kind})` : ''}${again && byParent.has(keyOf(next)) ? '  …' : ''}`);
      if (again) continue;
      shown.add(keyOf(next));
      visit(next, `${indent}  `);
    }
  };
  visit(trace.column, '  ');
}
