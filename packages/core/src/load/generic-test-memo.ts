import type { GenericTestCall } from '../manifest/nodes.js';
import { placeholder, type PlaceholderTarget, type RelationAttribute } from '../render/placeholders.js';
import type { RenderReads } from '../render/render-reads.js';
import { newRenderState, type RenderState } from '../render/render-state.js';
import type { Renderer } from '../render/renderer.js';

/*
 * Generic tests rendered once per call shape (issue 17: 15,000 tests of a 10k-model project were a
 * fifth of a cold load). Projects declare the same test with the same arguments on many models
 * (`not_null` / `unique` on `id`, one `accepted_values` list); rendered at parse time, such tests
 * differ only in the tested relation, which renders as a placeholder (render/placeholders.ts). So a
 * load renders each (macro, arguments, where, package) once with a sentinel relation and gives each
 * test that text with its own relation's placeholders in place of the sentinel's.
 *
 * Only when that is exactly what a render would give: every macro the render called is one of
 * tsdbt's built-in `dbt` macros (they use `model` only as `{{ model }}`; a project or package
 * overriding `test_unique`, `default__test_unique`, should_store_failures… is seen in the macros
 * called), the render called no ref/source/config and asked nothing of the warehouse, read nothing
 * that differs per run, and its text holds the sentinel only as whole placeholders. Anything else is
 * rendered per test, as before. The memo lives for one load (loadProject sets and drops it): flags,
 * vars and macros are fixed within it.
 */

const SENTINEL = '\u0003tsdbt_tested\u0003';
const ATTRIBUTES: readonly RelationAttribute[] = ['', 'schema', 'database', 'identifier', 'name'];

/** A render shared by the tests of one call shape: text pieces between the tested relation's placeholders. */
interface SharedRender {
  readonly pieces: readonly string[];
  readonly attributes: readonly RelationAttribute[];
  readonly macrosUsed: readonly string[];
  readonly needsNames: boolean;
  readonly reads: RenderReads;
}

/** The memo of the load running with each renderer. */
export const genericTestMemoOf = new WeakMap<Renderer, GenericTestMemo>();

let sharing = true;

/** Whether a load shares generic test renders (default on); tests compare manifests with it off. */
export function setSharedTestRenders(on: boolean): void {
  sharing = on;
}

/** A sentinel target of the same kind as `target` (a ref with a version stays one: the placeholder differs). */
function sentinelOf(target: GenericTestCall['model']): PlaceholderTarget {
  if (target.kind === 'source') return { kind: 'source', source: SENTINEL, table: SENTINEL };
  return target.version !== undefined ? { kind: 'ref', package: SENTINEL, name: SENTINEL, version: SENTINEL } : { kind: 'ref', package: SENTINEL, name: SENTINEL };
}

/** The tested relation as a placeholder target (what lateRelation renders for the call's model). */
function targetOf(model: GenericTestCall['model']): PlaceholderTarget {
  return model.kind === 'source'
    ? { kind: 'source', source: model.source, table: model.table }
    : model.version !== undefined ? { kind: 'ref', package: model.package, name: model.name, version: model.version } : { kind: 'ref', package: model.package, name: model.name };
}

/** Whether `v` (a YAML test argument) is rendered as Jinja or evaluated (build-tests.ts renderArgument): such calls are not shared. */
function hasJinja(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{') || /^\s*(ref|source)\s*\(/.test(v);
  if (Array.isArray(v)) return v.some(hasJinja);
  if (v && typeof v === 'object') return Object.values(v).some(hasJinja);
  return false;
}

export class GenericTestMemo {
  /** Call shape → its shared render, or null: render such calls per test. */
  private readonly shapes = new Map<string, SharedRender | null>();

  constructor(private readonly renderer: Renderer) {}

  /**
   * The text `render(call, state)` gives for a test, shared with same-shaped calls where it can be;
   * `state` gets what the render would add to it (macros used, needsNames), the enclosing tracked
   * work what it would read.
   */
  render(call: GenericTestCall, state: RenderState, render: (call: GenericTestCall, state: RenderState) => string): string {
    if (!sharing || !state.node || hasJinja(call.kwargs)) return render(call, state);
    const key = `${state.node.packageName}\0${call.macroName}\0${call.model.kind}${call.model.kind === 'ref' && call.model.version !== undefined ? 'v' : ''}\0${call.where ?? ''}\0${JSON.stringify(call.kwargs)}`;
    let shared = this.shapes.get(key);
    if (shared === undefined) {
      shared = this.share(call, state, render);
      this.shapes.set(key, shared);
    } else if (shared) {
      this.renderer.replayReads(shared.reads);
    }
    if (!shared) return render(call, state);
    for (const m of shared.macrosUsed) state.macrosUsed.add(m);
    if (shared.needsNames) state.needsNames = true;
    const target = targetOf(call.model);
    let text = shared.pieces[0]!;
    for (let i = 0; i < shared.attributes.length; i++) text += placeholder(target, shared.attributes[i]!) + shared.pieces[i + 1]!;
    return text;
  }

  /** Renders `call` with the sentinel relation; null when the result cannot stand for other tests. */
  private share(call: GenericTestCall, state: RenderState, render: (call: GenericTestCall, state: RenderState) => string): SharedRender | null {
    const scratch = newRenderState({ mode: state.mode, node: state.node });
    const sentinel = sentinelOf(call.model);
    let tracked: { value: string; reads: RenderReads };
    try {
      tracked = this.renderer.track(() => render({ ...call, model: sentinel as GenericTestCall['model'] }, scratch));
    } catch {
      return null; // the test's own render reports the error, naming its relation
    }
    const { value, reads } = tracked;
    if (reads.volatile || scratch.usesWarehouse || scratch.refs.length || scratch.sources.length || scratch.configCalls.length || scratch.sqlResults.size) return null;
    for (const m of scratch.macrosUsed) if (!m.startsWith('macro.dbt.')) return null;
    const pieces: string[] = [];
    const attributes: RelationAttribute[] = [];
    const marks = ATTRIBUTES.map((a) => placeholder(sentinel, a));
    let at = 0;
    for (;;) {
      let next = -1;
      let which = -1;
      for (let a = 0; a < marks.length; a++) {
        const i = value.indexOf(marks[a]!, at);
        if (i >= 0 && (next < 0 || i < next)) (next = i), (which = a);
      }
      if (next < 0) break;
      pieces.push(value.slice(at, next));
      attributes.push(ATTRIBUTES[which]!);
      at = next + marks[which]!.length;
    }
    pieces.push(value.slice(at));
    if (pieces.some((p) => p.includes(SENTINEL))) return null; // the relation's name was used otherwise (quoted, sliced…)
    return { pieces, attributes, macrosUsed: [...scratch.macrosUsed], needsNames: scratch.needsNames, reads };
  }
}
