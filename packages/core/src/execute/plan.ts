import type { ProjectGraph } from '../graph/project-graph.js';
import type { ManifestNode, ModelNode, TestNode } from '../manifest/nodes.js';
import type { Command } from '../report/events.js';
import type { WorkUnit } from './scheduler.js';

export interface PlannedUnit extends WorkUnit {
  readonly nodes: readonly ManifestNode[];
}

/** Which selected nodes a command executes. */
export function runsIn(command: Command, node: ManifestNode): boolean {
  switch (node.resourceType) {
    case 'model':
      return (command === 'run' || command === 'build' || command === 'clone') && node.config.materialized !== 'ephemeral';
    case 'seed':
      return command === 'seed' || command === 'build' || command === 'clone';
    case 'snapshot':
      return command === 'snapshot' || command === 'build' || command === 'clone';
    case 'test':
    case 'unit_test':
      return command === 'test' || command === 'build';
    case 'source':
      return command === 'source load' && node.external !== undefined;
    // dbt 1.11: functions are built by build (its FunctionRunner), not by run.
    case 'function':
      return command === 'build';
    // dbt 1.10's build: no-op runners (their result says the nodes upstream were built).
    case 'exposure':
    case 'saved_query':
      return command === 'build';
    default:
      return false;
  }
}

/**
 * The units of a run and what each waits on. Dependencies pass through nodes that do not run
 * (unselected, ephemeral): if a ← b ← c and only a and c run, c still waits for a.
 * In `build`, a test gates every executed node downstream of all its parents (dbt's rule),
 * so a failing test skips what is built on the tested model.
 */
export function planUnits(graph: ProjectGraph, selected: ReadonlySet<string>, command: Command, batches: readonly (readonly TestNode[])[] = []): PlannedUnit[] {
  const ids = graph.order(selected).filter((id) => runsIn(command, graph.node(id)));
  const runSet = new Set(ids);
  const nearest = new Map<string, Set<string>>();
  const runParents = (id: string): Set<string> => {
    const cached = nearest.get(id);
    if (cached) return cached;
    const out = new Set<string>();
    for (const p of graph.parents(id)) {
      if (runSet.has(p)) out.add(p);
      else for (const q of runParents(p)) out.add(q);
    }
    nearest.set(id, out);
    return out;
  };
  const after = new Map<string, Set<string>>(ids.map((id) => [id, command === 'test' ? new Set<string>() : new Set(runParents(id))]));

  if (command === 'build') {
    // dbt's build runs a model's unit tests right before the model (once its inputs are built)
    // and skips the model, and so what depends on it, when one fails.
    for (const id of ids) {
      const node = graph.node(id);
      if (node.resourceType !== 'unit_test') continue;
      const tested = node.testedNode;
      after.set(id, new Set([...(runSet.has(tested) ? runParents(tested) : runParents(id))].filter((p) => p !== tested && p !== id)));
      after.get(tested)?.add(id);
    }
    for (const id of ids) {
      const node = graph.node(id);
      if (node.resourceType !== 'test') continue;
      const parents = graph.parents(id);
      if (parents.length === 0) continue;
      let gated: Set<string> | undefined;
      for (const p of parents) {
        const d = graph.descendants(p);
        gated = gated ? new Set([...gated].filter((x) => d.has(x))) : d;
      }
      for (const g of gated ?? []) {
        // Unit tests read fixtures only: no data test gates them (and the tested model waits on them).
        if (!runSet.has(g) || g === id || graph.node(g).resourceType === 'test' || graph.node(g).resourceType === 'unit_test' || parents.includes(g)) continue;
        after.get(g)!.add(id);
      }
    }
  }

  for (const [id, dict] of namedDictionaries(graph, ids)) if (!graph.descendants(id).has(dict)) after.get(id)!.add(dict);

  // Tests run together as one batch unit: it waits on what any member waits on.
  const unitOf = new Map<string, string>();
  for (const batch of batches) {
    const members = batch.filter((t) => runSet.has(t.uniqueId));
    if (members.length < 2) continue;
    const unitId = `batch:${members[0]!.uniqueId}`;
    for (const m of members) unitOf.set(m.uniqueId, unitId);
  }
  const units = new Map<string, { nodes: ManifestNode[]; after: Set<string> }>();
  for (const id of ids) {
    const unitId = unitOf.get(id) ?? id;
    const unit = units.get(unitId) ?? units.set(unitId, { nodes: [], after: new Set() }).get(unitId)!;
    unit.nodes.push(graph.node(id));
    for (const a of after.get(id)!) unit.after.add(unitOf.get(a) ?? a);
  }
  return [...units.entries()].map(([id, u]) => ({ id, nodes: u.nodes, after: [...u.after].filter((a) => a !== id) }));
}

const DICT_CALL = /\bdict(?:Get\w*|Has|IsIn|GetHierarchy|GetChildren|GetDescendants)\s*\(\s*'([^']+)'/gi;

/**
 * The dictionary models of the run that a model reads by name, without a ref: ClickHouse's dictGet()
 * takes the dictionary as a string (`dictGet('silver.users_dict', 'name', id)`), so dbt's graph never
 * knows that edge and a dbt-clickhouse project's first build works only when the dictionary happens to
 * be built first (eilicheva-art/clickhouse_dbt). The model waits for it here (the graph, the manifest
 * and selection are unchanged). Named as `'db.name'`, or `'name'` in the model's own schema; a
 * Jinja-rendered database (`'{{ target.schema }}.name'`) by the name alone.
 */
function namedDictionaries(graph: ProjectGraph, ids: readonly string[]): [string, string][] {
  const dictionaries = ids.map((id) => graph.node(id)).filter((n) => n.resourceType === 'model' && n.config.materialized === 'dictionary') as ModelNode[];
  if (dictionaries.length === 0) return [];
  const out: [string, string][] = [];
  for (const id of ids) {
    const node = graph.node(id);
    if (node.resourceType !== 'model' || !/dict/i.test(node.rawCode)) continue;
    for (const m of node.rawCode.matchAll(DICT_CALL)) {
      const name = m[1]!.trim();
      const dot = name.lastIndexOf('.');
      const [db, table] = dot < 0 ? [(node as ModelNode).relation.schema, name] : [name.slice(0, dot), name.slice(dot + 1)];
      const byName = (d: ModelNode) => d.relation.identifier === table.replace(/`/g, '');
      const found = db.includes('{{') ? dictionaries.filter(byName) : dictionaries.filter((d) => byName(d) && d.relation.schema === db.replace(/`/g, ''));
      if (found.length === 1 && found[0]!.uniqueId !== id) out.push([id, found[0]!.uniqueId]);
    }
  }
  return out;
}
