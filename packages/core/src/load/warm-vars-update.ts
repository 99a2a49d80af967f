import type { ManifestNode } from '../manifest/nodes.js';
import { readValue } from '../render/render-reads.js';
import type { LoadOptions } from './load-project.js';
import type { PlannedChange } from './incremental-load.js';
import type { VarReads, WarmDelta } from './warm-start.js';

/*
 * Changed --vars over a warm start (load/warm-update.ts): a load records which vars each node's
 * parse render read (load/parse-cache.ts, by render id: a node's unique id, a generic test's
 * `test.<package>.<name>`) and which were read anywhere else — YAML values, profiles.yml, renders
 * outside any node's (load-project.ts). When no var read elsewhere changed, only the root project's
 * models and singular tests whose render read a changed var are parsed again (a generic test that
 * read one: its model, whose tests are built again). A var read by a snapshot, an analysis, a
 * package's node, a node no longer in the manifest, or by too many renders loads in full.
 */

/** --vars as a warm start compares them (name → readValue: a hash, no value saved). */
export function cliVarHashes(options: Pick<LoadOptions, 'vars'>): Map<string, string | undefined> {
  return new Map(Object.entries(options.vars ?? {}).map(([name, value]) => [name, readValue(value)] as const));
}

/** Past this many renders to run again, a full load (parse cache, worker threads) is the faster way. */
const MAX_RENDERS = 500;

/** The SQL files to parse again because `changed` vars (names) changed, or why the project must load in full. */
export function varsPlan(changed: readonly string[], reads: VarReads, nodes: ReadonlyMap<string, ManifestNode>, rootName: string): PlannedChange[] | string {
  const names = new Set(changed);
  const global = changed.find((n) => reads.global.has(n));
  if (global !== undefined) return `var '${global}' is read outside node renders`;
  const affected = [...reads.byRender].filter(([, read]) => read.some((n) => names.has(n))).map(([id]) => id);
  if (affected.length > MAX_RENDERS) return `${affected.length} renders read the changed vars`;
  let testsOf: Map<string, ManifestNode[]> | undefined;
  const plan = new Map<string, PlannedChange>();
  const own = (n: ManifestNode | undefined) => n !== undefined && n.packageName === rootName;
  for (const renderId of affected) {
    const id = renderId.replace(/#where$/, '');
    const node = nodes.get(id);
    if (own(node) && node!.resourceType === 'model') plan.set(node!.originalFilePath, { path: node!.originalFilePath, kind: 'model', change: 'change' });
    else if (own(node) && node!.resourceType === 'test' && node!.testType === 'singular') plan.set(node!.originalFilePath, { path: node!.originalFilePath, kind: 'singular', change: 'change' });
    else if (node === undefined && id.startsWith('test.')) {
      testsOf ??= genericTestsByRender(nodes);
      const tests = testsOf.get(id);
      if (!tests) return `${renderId} read a changed var and is not in the manifest`;
      for (const test of tests) {
        const model = nodes.get((test as { attachedNode?: string }).attachedNode ?? '');
        if (!own(model) || model!.resourceType !== 'model') return `test ${test.name} read a changed var`;
        plan.set(model!.originalFilePath, { path: model!.originalFilePath, kind: 'model', change: 'change' });
      }
    } else return `${renderId} read a changed var`;
  }
  return [...plan.values()];
}

/** Generic tests by the id their render is recorded under (build-tests.ts: `test.<package>.<name>`). */
function genericTestsByRender(nodes: ReadonlyMap<string, ManifestNode>): Map<string, ManifestNode[]> {
  const out = new Map<string, ManifestNode[]>();
  for (const node of nodes.values()) {
    if (node.resourceType !== 'test' || node.testType !== 'generic') continue;
    const id = `test.${node.packageName}.${node.name}`;
    (out.get(id) ?? out.set(id, []).get(id)!).push(node);
  }
  return out;
}

/**
 * The var reads an update records: every var it read, for each render it ran again (an update has
 * no per-render record: a superset), none for nodes gone; the vars its YAML and profiles read join
 * those read outside node renders.
 */
export function updatedVarReads(
  fresh: readonly string[],
  removed: readonly string[],
  before: ReadonlyMap<string, ManifestNode>,
  after: ReadonlyMap<string, ManifestNode>,
  readNames: Iterable<string>,
  configReads: Iterable<string>,
): NonNullable<WarmDelta['varReads']> {
  const names = [...new Set(readNames)].sort();
  const renderId = (n: ManifestNode) => (n.resourceType === 'test' && n.testType === 'generic' ? `test.${n.packageName}.${n.name}` : n.uniqueId);
  const byRender = new Map<string, readonly string[] | null>();
  // (A generic test's record is left: another test may share its name; a stale one only makes a later vars update load in full.)
  for (const id of removed) {
    const n = before.get(id);
    if (n && renderId(n) === id) byRender.set(id, null);
  }
  for (const id of fresh) byRender.set(renderId(after.get(id)!), names);
  return { byRender: [...byRender], global: [...new Set(configReads)].sort() };
}

/** Saved var reads with an update's applied (as warm-start.ts reads a delta back). */
export function withVarReads(reads: VarReads, update: NonNullable<WarmDelta['varReads']>): VarReads {
  return applyVarReads({ byRender: new Map(reads.byRender), global: new Set(reads.global) }, update);
}

/** withVarReads on reads of the caller's own, changed in place. */
export function applyVarReads(reads: { byRender: Map<string, readonly string[]>; global: Set<string> }, update: NonNullable<WarmDelta['varReads']>): VarReads {
  for (const [id, names] of update.byRender) names ? reads.byRender.set(id, names) : reads.byRender.delete(id);
  for (const name of update.global) reads.global.add(name);
  return reads;
}
