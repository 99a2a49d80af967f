import { noteConfigKey } from './node-config.js';
import { tryStaticRender } from './static-parser.js';
import { lineOfText } from './locate.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import type { Renderer, Template } from '../render/renderer.js';
import { addRuntimeRelations } from './runtime-relations.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';

export interface ParsedSql {
  readonly rendered: string;
  readonly state: RenderState;
  /** Literal ref()/source() calls of run-time branches that could not be rendered (runtime-relations.ts). */
  readonly unrendered?: LiteralRelations;
}

/**
 * Renders a model or singular test once, in parse mode: captures ref/source/config calls and
 * the SQL with relation placeholders. In-file config keys are checked here, with their line.
 */
export function parseSqlNode(renderer: Renderer, source: string, info: RenderNodeInfo): ParsedSql {
  const state = newRenderState({ mode: 'parse', node: info });
  let template: Template | undefined;
  const rendered = tryStaticRender(source, state) ?? renderer.render((template = renderer.compile(source, info.originalFilePath)), info.originalFilePath, state);
  for (const call of state.configCalls)
    for (const key of Object.keys(call))
      noteConfigKey(key, { file: info.originalFilePath, line: lineOfText(source, new RegExp(`config\\s*\\([^)]*\\b${key}\\b`)) });
  // Refs only a run reaches (inside `{% if is_incremental() %}` or `{% if execute %}`) become parents too.
  const unrendered = state.usesWarehouse ? addRuntimeRelations(renderer, source, info, state, template) : undefined;
  return { rendered: trimTrailingNewlines(rendered), state, unrendered };
}

function trimTrailingNewlines(sql: string): string {
  return sql.replace(/\s+$/, '');
}
