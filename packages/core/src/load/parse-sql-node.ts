import { noteConfigKey } from './node-config.js';
import { tryStaticRender } from './static-parser.js';
import { lineOfText } from './locate.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import type { Renderer, Template } from '../render/renderer.js';
import { addRuntimeRelations } from './runtime-relations.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';
import type { ParseCache } from './parse-cache.js';

export interface ParsedSql {
  readonly rendered: string;
  readonly state: RenderState;
  /** Literal ref()/source() calls of run-time branches that could not be rendered (runtime-relations.ts). */
  readonly unrendered?: LiteralRelations;
}

/** The parse cache a load uses with each renderer (set by loadProject; watch re-loads reuse it). */
export const parseCacheOf = new WeakMap<Renderer, ParseCache>();

/**
 * Renders a model or singular test once, in parse mode: captures ref/source/config calls and
 * the SQL with relation placeholders. In-file config keys are checked here, with their line.
 * A Jinja render is reused from the parse cache when nothing it read changed (load/parse-cache.ts).
 */
export function parseSqlNode(renderer: Renderer, source: string, info: RenderNodeInfo): ParsedSql {
  const parsed = parseOnce(renderer, source, info);
  for (const call of parsed.state.configCalls)
    for (const key of Object.keys(call))
      noteConfigKey(key, { file: info.originalFilePath, line: lineOfText(source, new RegExp(`config\\s*\\([^)]*\\b${key}\\b`)) });
  return parsed;
}

function parseOnce(renderer: Renderer, source: string, info: RenderNodeInfo): ParsedSql {
  const state = newRenderState({ mode: 'parse', node: info });
  const literal = tryStaticRender(source, state);
  if (literal !== undefined) return { rendered: trimTrailingNewlines(literal), state };
  const cache = parseCacheOf.get(renderer);
  const cached = cache?.lookup(renderer, source, info);
  if (cached) return cached;
  const { value: parsed, reads } = renderer.track((): ParsedSql => {
    const template: Template = renderer.compile(source, info.originalFilePath);
    const rendered = renderer.render(template, info.originalFilePath, state);
    // Refs only a run reaches (inside `{% if is_incremental() %}` or `{% if execute %}`) become parents too.
    const unrendered = state.usesWarehouse ? addRuntimeRelations(renderer, source, info, state, template) : undefined;
    return { rendered: trimTrailingNewlines(rendered), state, ...(unrendered ? { unrendered } : {}) };
  });
  cache?.store(renderer, source, info, parsed, reads);
  return parsed;
}

function trimTrailingNewlines(sql: string): string {
  return sql.replace(/\s+$/, '');
}
