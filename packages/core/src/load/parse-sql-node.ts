import { noteConfigKey } from './node-config.js';
import { tryStaticRender } from './static-parser.js';
import { lineOfText } from './locate.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import type { RenderReads } from '../render/render-reads.js';
import type { Renderer, Template } from '../render/renderer.js';
import { addRuntimeRelations } from './runtime-relations.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';
import type { ParseCache } from './parse-cache.js';
import { ParsePool, parseThreadsFor, type ParseJob, type ParseLender } from './parse-pool.js';
import type { WorkerInit, WorkerResult } from './parse-jobs.js';

export interface ParsedSql {
  readonly rendered: string;
  readonly state: RenderState;
  /** Literal ref()/source() calls of run-time branches that could not be rendered (runtime-relations.ts). */
  readonly unrendered?: LiteralRelations;
}

/** Templates compiled ahead of their render, by file (loadProject: while schema YAML parses on another thread). */
export const precompiledOf = new WeakMap<Renderer, Map<string, { readonly source: string; readonly template: Template }>>();

/** Whether the static parser would leave `source` to Jinja (only a hint: what to compile ahead). */
const NEEDS_JINJA = /\{%|\{\{-?\s*(?!(?:ref|source|config)\s*\()/;

/**
 * Compiles the model file `file` ahead of its parse render when it needs Jinja; a syntax error is
 * left for the render to report, in its turn.
 */
export function precompile(renderer: Renderer, file: string, source: string): void {
  if (!NEEDS_JINJA.test(source)) return;
  let templates = precompiledOf.get(renderer);
  if (!templates) precompiledOf.set(renderer, (templates = new Map()));
  try {
    templates.set(file, { source, template: renderer.compile(source, file) });
  } catch {
    // compiled again (and reported) when the file renders
  }
}

/** The parse cache a load uses with each renderer (set by loadProject for the load). */
export const parseCacheOf = new WeakMap<Renderer, ParseCache>();

/** How a load may parse on worker threads with each renderer (set by loadProject; `threads` undefined: every core). */
export const parseWorkersOf = new WeakMap<Renderer, ParseWorkers>();

export interface ParseWorkers {
  readonly init: WorkerInit;
  readonly threads?: number;
  /** Renders done on worker threads so far. */
  workerRendered: number;
  /** A thread of the load that can render too (the schema YAML thread, its Renderer built: loadProject sets it while there is one). */
  lender?: ParseLender;
}

/** Parses of several files, handed out in order. */
export interface SqlParses {
  /** The parse of job `i`; a file's error is thrown here, when its turn comes. */
  get(i: number): ParsedSql;
  /** Stops worker threads (call when done, also after an error). */
  close(): void;
}

/**
 * Renders a model or singular test once, in parse mode: captures ref/source/config calls and
 * the SQL with relation placeholders. In-file config keys are checked here, with their line.
 */
export function parseSqlNode(renderer: Renderer, source: string, info: RenderNodeInfo): ParsedSql {
  return parseSqlNodes(renderer, [{ source, info }]).get(0);
}

/**
 * parseSqlNode for many files: literal files take the static parser, unchanged ones come from the
 * parse cache (load/parse-cache.ts), and the other Jinja renders are shared with worker threads
 * when there are enough of them (load/parse-pool.ts). Results and errors are the same, in the same
 * order, as parsing each file in turn.
 */
export function parseSqlNodes(renderer: Renderer, jobs: readonly ParseJob[]): SqlParses {
  const cache = parseCacheOf.get(renderer);
  const ready = jobs.map((job) => quickParse(renderer, cache, job));
  const misses: number[] = [];
  ready.forEach((r, i) => r === undefined && misses.push(i));
  const workers = parseWorkersOf.get(renderer);
  const threads = workers ? parseThreadsFor(misses.map((i) => jobs[i]!.source), workers.threads) : 1;
  // A thread of the load already running with its Renderer built takes the place of one the pool would start.
  const pool = threads > 1 ? new ParsePool(misses.map((i) => jobs[i]!), workers!.init, threads, workers!.lender) : undefined;
  const slot = new Map(misses.map((i, j) => [i, j]));
  return {
    get(i) {
      const job = jobs[i]!;
      let parsed = ready[i];
      if (parsed === undefined) {
        const j = slot.get(i)!;
        const answer = pool && !pool.claim(j) ? pool.result(j) : undefined;
        if (answer?.ok) workers!.workerRendered++;
        parsed = answer?.ok ? fromWorker(renderer, cache, job, answer) : renderAndStore(renderer, cache, job);
      }
      ready[i] = undefined;
      for (const call of parsed.state.configCalls)
        for (const key of Object.keys(call))
          noteConfigKey(key, () => ({ file: job.info.originalFilePath, line: lineOfText(job.source, new RegExp(`config\\s*\\([^)]*\\b${key}\\b`)) }));
      return parsed;
    },
    close: () => pool?.close(),
  };
}

/** The static parser's result, or the cached render; undefined when the file needs a Jinja render. */
function quickParse(renderer: Renderer, cache: ParseCache | undefined, job: ParseJob): ParsedSql | undefined {
  const state = newRenderState({ mode: 'parse', node: job.info });
  // A project macro named ref/source/config replaces dbt's: only a render calls it.
  const literal = renderer.overridesRelationCalls(job.info.packageName) ? undefined : tryStaticRender(job.source, state);
  if (literal !== undefined) return { rendered: trimTrailingNewlines(literal), state };
  return cache?.lookup(renderer, job.source, job.info);
}

function renderAndStore(renderer: Renderer, cache: ParseCache | undefined, job: ParseJob): ParsedSql {
  const { parsed, reads } = renderParse(renderer, job.source, job.info);
  cache?.store(renderer, job.source, job.info, parsed, reads);
  return parsed;
}

/** One Jinja parse render of a file (and its run-time probe), with what it read from outside the file. */
export function renderParse(renderer: Renderer, source: string, info: RenderNodeInfo): { parsed: ParsedSql; reads: RenderReads } {
  const state = newRenderState({ mode: 'parse', node: info, parseConfig: true });
  const { value: parsed, reads } = renderer.track((): ParsedSql => {
    const template: Template = compiledAhead(renderer, source, info.originalFilePath) ?? renderer.compile(source, info.originalFilePath);
    let rendered = renderer.render(template, info.originalFilePath, state);
    // dbt's parse answered '' to config.get/require: its compile reads the real values.
    if (state.configRead && !state.usesWarehouse) rendered = withRealConfig(renderer, template, info, state) ?? rendered;
    // Refs only a run reaches (inside `{% if is_incremental() %}` or `{% if execute %}`) become parents too.
    const unrendered = state.usesWarehouse ? addRuntimeRelations(renderer, source, info, state, template) : undefined;
    return { rendered: trimTrailingNewlines(rendered), state, ...(unrendered ? { unrendered } : {}) };
  });
  return { parsed, reads };
}

/**
 * The file's SQL rendered with its real config values (dbt's compile render), for a file whose parse
 * render asked for one (answered ''). Its refs, sources and config() calls stay the parse render's,
 * as dbt's manifest. When this render fails or reaches a relation the parse did not record, the node
 * renders again at compile and run instead (`usesWarehouse`; a ref unknown then is dbt's error).
 */
function withRealConfig(renderer: Renderer, template: Template, info: RenderNodeInfo, state: RenderState): string | undefined {
  const real = newRenderState({ mode: 'parse', node: info });
  let rendered: string;
  try {
    rendered = renderer.render(template, info.originalFilePath, real);
  } catch {
    state.usesWarehouse = true;
    return undefined;
  }
  const key = (r: RenderState['refs'][number]) => `${r.package ?? ''}.${r.name}.${r.version ?? ''}.${r.function ? 'f' : ''}`;
  const refs = new Set(state.refs.map(key));
  const sources = new Set(state.sources.map((s) => s.join('.')));
  if (real.usesWarehouse || real.refs.some((r) => !refs.has(key(r))) || real.sources.some((s) => !sources.has(s.join('.')))) {
    state.usesWarehouse = true;
    return undefined;
  }
  state.needsNames ||= real.needsNames;
  for (const m of real.macrosUsed) state.macrosUsed.add(m);
  return rendered;
}

/** The template precompile() made of this very source, once. */
function compiledAhead(renderer: Renderer, source: string, file: string): Template | undefined {
  const templates = precompiledOf.get(renderer);
  const ahead = templates?.get(file);
  if (!ahead) return undefined;
  templates!.delete(file);
  return ahead.source === source ? ahead.template : undefined;
}

/** A worker's render as the main thread's would be (config keys read noted, kept in the cache). */
function fromWorker(renderer: Renderer, cache: ParseCache | undefined, job: ParseJob, answer: Extract<WorkerResult, { ok: true }>): ParsedSql {
  const state = newRenderState({
    mode: 'parse',
    node: job.info,
    refs: answer.refs,
    sources: answer.sources,
    configCalls: answer.configCalls,
    macrosUsed: new Set(answer.macrosUsed),
    usesWarehouse: answer.usesWarehouse,
    needsNames: answer.needsNames,
  });
  const parsed: ParsedSql = { rendered: answer.rendered, state, ...(answer.unrendered ? { unrendered: answer.unrendered } : {}) };
  renderer.noteConfigKeysRead(answer.reads.configKeys);
  const reads: RenderReads = {
    vars: new Map(answer.reads.vars),
    env: new Map(answer.reads.env),
    flags: answer.reads.flags,
    configKeys: new Set(answer.reads.configKeys),
    macros: new Set(answer.macrosUsed),
    volatile: false,
  };
  cache?.store(renderer, job.source, job.info, parsed, reads);
  return parsed;
}

/**
 * A render into `state` (a generic test's macro call) reused from the parse cache when `inputsOf()` (what
 * the render is given, as text) and everything it read are unchanged; `id` names it among the load's
 * renders. What the render added to `state` (refs, sources, config calls, macros) is kept and added
 * again on reuse.
 */
export function renderCached(renderer: Renderer, state: RenderState, id: string, inputsOf: () => string, render: () => string): string {
  const cache = parseCacheOf.get(renderer);
  if (!cache || !state.node) return render();
  const inputs = inputsOf();
  const info: RenderNodeInfo = { ...state.node, uniqueId: id };
  const hit = cache.lookup(renderer, inputs, info);
  if (hit) {
    const s = hit.state;
    state.refs.push(...s.refs);
    state.sources.push(...s.sources);
    state.configCalls.push(...s.configCalls);
    for (const m of s.macrosUsed) state.macrosUsed.add(m);
    state.usesWarehouse ||= s.usesWarehouse;
    state.needsNames ||= s.needsNames;
    return hit.rendered;
  }
  const before = { refs: state.refs.length, sources: state.sources.length, configCalls: state.configCalls.length, usesWarehouse: state.usesWarehouse, needsNames: state.needsNames };
  const { value, reads } = renderer.track(render);
  const added = newRenderState({
    mode: 'parse',
    node: info,
    refs: state.refs.slice(before.refs),
    sources: state.sources.slice(before.sources),
    configCalls: state.configCalls.slice(before.configCalls),
    macrosUsed: new Set(reads.macros),
    usesWarehouse: state.usesWarehouse && !before.usesWarehouse,
    needsNames: state.needsNames && !before.needsNames,
  });
  cache.store(renderer, inputs, info, { rendered: value, state: added }, reads);
  return value;
}

/** `sql` without trailing whitespace: trimEnd strips what `\s` matches (WhiteSpace and LineTerminator), without a regex scan of every run of spaces. */
function trimTrailingNewlines(sql: string): string {
  return sql.trimEnd();
}
