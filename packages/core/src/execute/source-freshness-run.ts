// `tsdbt source freshness` over the selection, with the project hooks around it; writes sources.json (TsdbtProject.sourceFreshness).
import { basename, dirname, join, resolve } from 'node:path';
import { compileSql } from '../compile/compile-sql.js';
import { FRESHNESS_HOOKS_DEPRECATION, hasThreshold } from '../load/source-freshness.js';
import type { SourceNode } from '../manifest/nodes.js';
import type { ProjectHost } from '../project-host.js';
import { newRenderState, renderNodeInfo } from '../render/render-state.js';
import { writeSourcesJson } from '../report/freshness-results.js';
import type { SelectionOptions } from '../select/select-nodes.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import type { FreshnessRunResult } from '../tsdbt-options.js';
import { COLLECT_FRESHNESS_RETURN_SIGNATURE, collectWithMacro, overridesCollectFreshness } from './collect-freshness.js';
import { checkFreshness, type CollectFreshness } from './freshness.js';
import { onRunEndContext, runProjectHooks } from './project-hooks.js';
import type { RunContext } from './run-context.js';

/** See TsdbtProject.sourceFreshness. */
export async function sourceFreshness(p: ProjectHost, options: SelectionOptions & { readonly threads?: number; readonly output?: string; readonly signal?: AbortSignal } = {}): Promise<FreshnessRunResult> {
  const threads = optionalInteger('threads', options.threads, NUMERIC_RULES.threads) ?? p.target.threads;
  const sources = p.select({ ...options, resourceTypes: ['source'] })
    .map((id) => p.graph.node(id))
    // dbt's has_freshness: a threshold (one without loaded_at_field is a runtime error on ClickHouse).
    .filter((n): n is SourceNode => n.resourceType === 'source' && hasThreshold(n.freshness));
  const started = Date.now();
  if (!sources.length) p.onEvent({ type: 'warning', message: 'Nothing to do: no selected source has a freshness (warn_after / error_after)' });
  // dbt 1.10 runs the project hooks around the checks unless flags.source_freshness_run_project_hooks is false.
  const hooksOn = p.loaded.projectFile.flags?.source_freshness_run_project_hooks !== false;
  if (!hooksOn && p.manifest.hooks?.length) p.onEvent({ type: 'warning', message: FRESHNESS_HOOKS_DEPRECATION });
  const adapter = sources.length || (hooksOn && p.manifest.hooks?.length) ? await p.adapter(threads) : undefined;
  const ctx = adapter ? p.runContext(adapter, { signal: options.signal }) : undefined;
  const startHooks = ctx && hooksOn ? await runProjectHooks(ctx, 'on-run-start') : [];
  const collect = ctx && overridesCollectFreshness(ctx) ? collectByMacro(p, ctx) : undefined;
  const results = adapter && sources.length ? await checkFreshness(adapter, sources, threads, p.onEvent, options.signal, (node) => renderLoadedAtQuery(p, node), collect) : [];
  const endHooks = ctx && hooksOn ? await runProjectHooks(ctx, 'on-run-end', onRunEndContext([], startHooks)) : [];
  const elapsed = (Date.now() - started) / 1000;
  const out = options.output ? resolve(p.loaded.projectRoot, options.output) : join(p.targetDir, 'sources.json');
  const path = writeSourcesJson({ dir: dirname(out), name: basename(out) }, results, elapsed, p.invocationId, p.secrets);
  const hooksPassed = [...startHooks, ...endHooks].every((h) => h.status !== 'error');
  return { results, elapsed, path, success: hooksPassed && results.every((r) => r.status === 'pass' || r.status === 'warn') };
}

/** A project's collect_freshness macro as the way to collect; dbt's CollectFreshnessReturnSignature warning once for the old return. */
function collectByMacro(p: ProjectHost, ctx: RunContext): CollectFreshness {
  let warned = false;
  return (node, query) => {
    const collected = collectWithMacro(ctx, node, query);
    if (collected.oldSignature && !warned) {
      warned = true;
      p.onEvent({ type: 'warning', message: COLLECT_FRESHNESS_RETURN_SIGNATURE });
    }
    return collected;
  };
}

/** A source's loaded_at_query rendered as dbt renders it (a runtime context: `{{ this }}` is the source), names final. */
function renderLoadedAtQuery(p: ProjectHost, node: SourceNode): string {
  const state = newRenderState({ mode: 'execute', relations: p.index.resolver(node), node: renderNodeInfo(node) });
  const rendered = p.loaded.renderer.renderString(node.loadedAtQuery ?? '', node.originalFilePath, state);
  return compileSql(p.index, node, rendered);
}
