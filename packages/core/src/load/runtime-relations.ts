import { hooksOf, type NodeConfig } from '../manifest/config.js';
import type { RefCall } from '../manifest/nodes.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import type { Renderer, Template } from '../render/renderer.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';

/*
 * Refs and sources a run reaches that one parse-mode render does not see. dbt renders a model once
 * at parse time (`execute` false, is_incremental() false) and fails the run when it later meets a
 * ref it did not record ("dbt was unable to infer all dependencies", fixed by a `-- depends_on:`
 * comment). tsdbt finds them at load instead, so they become edges of the DAG:
 * - a second, "run-time probe" render of templates that branch on the warehouse: `execute` and
 *   is_incremental() true, run_query() answering an empty table, logs silent;
 * - when that render fails (e.g. it indexes into run_query's empty answer), every ref()/source()
 *   written with literal arguments anywhere in the template: parents when they name a node;
 * - hooks (pre_hook/post_hook), rendered at load as dbt does, their refs and sources recorded.
 * `-- depends_on: {{ ref('x') }}` keeps working: the comment renders at parse time like any text.
 */

/** Appends what `from` recorded to `into`, without duplicates. */
function merge(into: RenderState, from: Pick<RenderState, 'refs' | 'sources'> & { macrosUsed?: ReadonlySet<string> }): void {
  const refKey = (r: RefCall) => `${r.package ?? ''}.${r.name}`;
  const refs = new Set(into.refs.map(refKey));
  for (const r of from.refs) if (!refs.has(refKey(r))) (refs.add(refKey(r)), into.refs.push(r));
  const sources = new Set(into.sources.map((s) => s.join('.')));
  for (const s of from.sources) if (!sources.has(s.join('.'))) (sources.add(s.join('.')), into.sources.push(s));
  for (const m of from.macrosUsed ?? []) into.macrosUsed.add(m);
}

/**
 * After the parse render of a template that asked for warehouse state (`state.usesWarehouse`):
 * adds the refs and sources of its run-time branches to `state`. Returns the literal calls found
 * by reading the template instead, when the probe render failed (see the comment above).
 * `compiled`: `source` already compiled by the parse render (compiling is most of a render's cost).
 */
export function addRuntimeRelations(renderer: Renderer, source: string, info: RenderNodeInfo, state: RenderState, compiled?: Template): LiteralRelations | undefined {
  const probe = newRenderState({ mode: 'parse', runtimeProbe: true, isIncremental: true, node: info, parseConfig: state.parseConfig });
  try {
    renderer.render(compiled ?? renderer.compile(source, info.originalFilePath), info.originalFilePath, probe);
  } catch {
    return renderer.literalRelations(source, info.originalFilePath);
  }
  merge(state, probe);
  return undefined;
}

/**
 * Renders a model's hooks at load, as dbt does, and adds their refs and sources to `state`: a
 * post_hook that reads `ref('other')` makes `other` a parent. A hook that fails to render is a
 * project error naming the model and the hook.
 */
export function addHookRelations(renderer: Renderer, info: RenderNodeInfo, config: NodeConfig, state: RenderState): LiteralRelations | undefined {
  let unrendered: LiteralRelations | undefined;
  for (const which of ['pre_hook', 'post_hook'] as const)
    for (const hook of hooksOf(config, which)) {
      if (!hook.includes('{')) continue;
      const hookInfo = { ...info, baseConfig: config };
      const parsed = newRenderState({ mode: 'parse', node: hookInfo });
      try {
        renderer.renderString(hook, info.originalFilePath, parsed);
      } catch (error) {
        const e = error instanceof TsdbtError ? error : undefined;
        throw new ProjectError(e?.code ?? 'hook', `The ${which} of ${info.name} does not render: ${error instanceof Error ? error.message : String(error)}`, {
          file: info.originalFilePath,
          hint: e?.hint ?? `Fix the hook (\`${hook.length > 80 ? hook.slice(0, 77) + '...' : hook}\`).`,
          cause: error,
        });
      }
      merge(state, parsed);
      const literal = parsed.usesWarehouse ? addRuntimeRelations(renderer, hook, hookInfo, state) : undefined;
      if (literal) unrendered = mergeLiteral(unrendered, literal);
    }
  return unrendered;
}

/** Both lists of literal calls in one (either may be undefined). */
export function mergeLiteral(a: LiteralRelations | undefined, b: LiteralRelations | undefined): LiteralRelations | undefined {
  if (!a || !b) return a ?? b;
  return { refs: [...a.refs, ...b.refs], sources: [...a.sources, ...b.sources] };
}

/**
 * dbt renders a seed's hooks at parse time too, and a seed may depend on nothing: a hook calling
 * ref() or source() (directly or through a macro) is dbt's parsing error (dbt-core #6806). A hook
 * that does not render at load is left to the run, as before.
 */
export function assertSeedHooksIndependent(renderer: Renderer, info: RenderNodeInfo, config: NodeConfig): void {
  const state = newRenderState({ mode: 'parse', node: info });
  try {
    addHookRelations(renderer, info, config, state);
  } catch {
    return;
  }
  if (state.refs.length === 0 && state.sources.length === 0) return;
  const hooks = [...hooksOf(config, 'pre_hook').map((h) => `- pre_hook: "${h}"`), ...hooksOf(config, 'post_hook').map((h) => `- post_hook: "${h}"`)];
  throw new ProjectError(
    'seed_depends',
    `Seeds cannot depend on other nodes. dbt detected a seed with a pre- or post-hook that calls 'ref', 'source', or 'metric', either directly or indirectly via other macros.\n\nError raised for '${info.uniqueId}', which has these hooks defined:\n${hooks.join('\n')}`,
    { file: info.originalFilePath, hint: 'Move the statement to a model (a seed is loaded before anything it could read), or to an on-run-end hook.' },
  );
}
