import { assertKnownConfigKey } from './node-config.js';
import { tryStaticRender } from './static-parser.js';
import { lineOfText } from './locate.js';
import type { Renderer } from '../render/renderer.js';
import { newRenderState, type RenderNodeInfo, type RenderState } from '../render/render-state.js';

export interface ParsedSql {
  readonly rendered: string;
  readonly state: RenderState;
}

/**
 * Renders a model or singular test once, in parse mode: captures ref/source/config calls and
 * the SQL with relation placeholders. In-file config keys are checked here, with their line.
 */
export function parseSqlNode(renderer: Renderer, source: string, info: RenderNodeInfo): ParsedSql {
  const state = newRenderState({ mode: 'parse', node: info });
  const rendered = tryStaticRender(source, state) ?? renderer.renderString(source, info.originalFilePath, state);
  for (const call of state.configCalls)
    for (const key of Object.keys(call))
      assertKnownConfigKey(key, { file: info.originalFilePath, line: lineOfText(source, new RegExp(`config\\s*\\([^)]*\\b${key}\\b`)) });
  return { rendered: trimTrailingNewlines(rendered), state };
}

function trimTrailingNewlines(sql: string): string {
  return sql.replace(/\s+$/, '');
}
