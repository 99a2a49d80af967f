/** One top-level `{% macro name(args) %}…{% endmacro %}` (or `{% test %}`, `{% materialization %}`) block of a macro file. */
export interface MacroBlock {
  /** The macro's name (`test_<name>` for a `{% test %}` block, as dbt names it). */
  readonly name: string;
  readonly kind: 'macro' | 'test';
  /** 1-based line of the header. */
  readonly line: number;
  readonly args: string[];
  /** The block's text, preceded by blank lines so that its line numbers are the file's. */
  readonly source: string;
}

const TAG = /\{%[-+]?\s*(macro|test|materialization|endmacro|endtest|endmaterialization)\b\s*([A-Za-z_]\w*)?\s*(\()?/g;
const COMMENT = /\{#[\s\S]*?#\}/g;
const RAW = /\{%[-+]?\s*raw\s*[-+]?%\}[\s\S]*?\{%[-+]?\s*endraw\s*[-+]?%\}/g;

/** Blanks a span, keeping its line breaks (so positions and line numbers stay). */
const blank = (text: string) => text.replace(/[^\n]/g, ' ');

/**
 * The macros of a file, each as its own template, as dbt parses them (one node per macro): a
 * name in a macro body resolves through the node's namespace, never to a sibling in the same
 * file, so a root project override of a built-in reaches every caller. Read without compiling
 * (packages compile lazily). Comments and raw blocks are blanked first, so a commented-out
 * macro is not one; macros nested in a macro stay part of it.
 */
export function readMacroBlocks(source: string): MacroBlock[] {
  let text = source;
  if (text.includes('{#')) text = text.replace(COMMENT, blank);
  if (text.includes('raw')) text = text.replace(RAW, blank);
  const out: MacroBlock[] = [];
  let depth = 0;
  let open: { name: string; kind: 'macro' | 'test'; start: number; args: string[] } | undefined;
  for (const m of text.matchAll(TAG)) {
    const tag = m[1]!;
    if (tag === 'materialization') {
      // dbt's `{% materialization name, default %}` / `, adapter='x' %}`: the macro materialization_<name>_<adapter>.
      if (!m[2]) continue;
      const close = text.indexOf('%}', m.index);
      const adapter = /\badapter\s*=\s*['"](\w+)['"]/.exec(text.slice(m.index, close < 0 ? undefined : close))?.[1] ?? 'default';
      if (depth === 0) open = { name: `materialization_${m[2]}_${adapter}`, kind: 'macro', start: m.index, args: [] };
      depth++;
      continue;
    }
    if (tag === 'macro' || tag === 'test') {
      if (!m[2] || !m[3]) continue;
      if (depth === 0) open = { name: tag === 'test' ? `test_${m[2]}` : m[2], kind: tag, start: m.index, args: argNames(text, m.index + m[0].length) };
      depth++;
      continue;
    }
    if (depth === 0) continue;
    depth--;
    if (depth > 0 || !open) continue;
    const close = text.indexOf('%}', m.index);
    const end = close < 0 ? text.length : close + 2;
    const before = source.slice(0, open.start);
    const lines = before.split('\n').length;
    out.push({ name: open.name, kind: open.kind, line: lines, args: open.args, source: '\n'.repeat(lines - 1) + source.slice(open.start, end) });
    open = undefined;
  }
  // An unclosed block: hand nunjucks the rest of the file, so its syntax error names the line.
  if (open) {
    const lines = source.slice(0, open.start).split('\n').length;
    out.push({ name: open.name, kind: open.kind, line: lines, args: open.args, source: '\n'.repeat(lines - 1) + source.slice(open.start) });
  }
  return out;
}

/** Argument names of the list starting at `open` (just after its `(`): defaults may hold parentheses, strings and commas. */
function argNames(text: string, open: number): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) {
      names.push(current);
      current = '';
      continue;
    }
    if (depth === 0) current += ch;
  }
  names.push(current);
  return names.map((a) => a.split('=')[0]!.trim()).filter(Boolean);
}
