import { compileSql, type RelationIndex } from '../compile/compile-sql.js';
import type { ManifestNode, ModelNode } from '../manifest/nodes.js';
import type { PlaceholderTarget } from '../render/placeholders.js';

/**
 * A source map from compiled SQL back to template lines. Jinja gives no positions for its output,
 * so the template is rendered a second time with a marker before the first character each line
 * outputs (text, or a `{{ … }}` expression): the output then says which file and line produced
 * every character. Markers go only where Jinja's whitespace control cannot see them (before the
 * first non-blank character of a line, never before `{{-`), so the marked output is the real
 * output plus markers; the map is only trusted if it aligns with the real SQL character for
 * character (blanks aside).
 */

const OPEN = '\u0003';
const CLOSE = '\u0004';
const MARKER = /\u0003(\d+):(\d+)\u0004/g;

export const marker = (file: number, line: number) => `${OPEN}${file}:${line}${CLOSE}`;

/** Index just past the tag that opens at `start` (`{{ … }}`, `{% … %}`, `{# … #}`), quotes inside tags respected. */
function tagEnd(source: string, start: number): number {
  const kind = source[start + 1];
  if (kind === '#') {
    const end = source.indexOf('#}', start + 2);
    return end < 0 ? source.length : end + 2;
  }
  const close = kind === '{' ? '}}' : '%}';
  let quote = '';
  for (let i = start + 2; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (source.startsWith(close, i)) return i + 2;
  }
  return source.length;
}

/** The template with a marker before the first output of each line (see above). */
export function markTemplate(source: string, file: number): string {
  let out = '';
  let line = 1;
  let marked = 0;
  let raw = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '{' && (source[i + 1] === '{' || source[i + 1] === '%' || source[i + 1] === '#')) {
      const end = tagEnd(source, i);
      const tag = source.slice(i, end);
      const isRawEdge = /^\{%-?\s*(end)?raw\s*-?%\}$/.exec(tag);
      if (!raw || isRawEdge?.[1]) {
        if (tag.startsWith('{{') && !tag.startsWith('{{-') && marked !== line) {
          out += marker(file, line);
          marked = line;
        }
        if (isRawEdge) raw = !isRawEdge[1];
        out += tag;
        for (const c of tag) if (c === '\n') line++;
        i = end;
        continue;
      }
    }
    if (ch === '\n') line++;
    else if (marked !== line && !/\s/.test(ch)) {
      out += marker(file, line);
      marked = line;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Text without markers; `file`/`line` of each character (-1/0 before any marker). */
export interface StrippedText {
  readonly text: string;
  readonly file: Int32Array;
  readonly line: Int32Array;
}

export function stripMarkers(marked: string): StrippedText {
  const parts: string[] = [];
  const spans: [number, number, number][] = []; // [length, file, line]
  let last = 0;
  let file = -1;
  let line = 0;
  for (const m of marked.matchAll(MARKER)) {
    parts.push(marked.slice(last, m.index));
    spans.push([m.index! - last, file, line]);
    file = Number(m[1]);
    line = Number(m[2]);
    last = m.index! + m[0].length;
  }
  parts.push(marked.slice(last));
  spans.push([marked.length - last, file, line]);
  const text = parts.join('');
  const files = new Int32Array(text.length);
  const lines = new Int32Array(text.length);
  let at = 0;
  for (const [length, f, l] of spans) {
    files.fill(f, at, at + length);
    lines.fill(l, at, at + length);
    at += length;
  }
  return { text, file: files, line: lines };
}

/** Removes markers from a string (values handed to the warehouse while rendering the marked template). */
export const withoutMarkers = (s: string) => (s.includes(OPEN) ? s.replace(MARKER, '') : s);

const LEAD = /^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\u0003\d+:\d+\u0004)*/;

/**
 * compile/ puts ephemeral CTEs into the query's leading WITH (or a new one after leading comments),
 * which it finds by looking at the start of the SQL: markers there are moved past that point so it
 * compiles the marked text exactly as the plain one.
 */
function moveLeadMarkers(marked: string): string {
  const lead = LEAD.exec(marked)![0];
  const markers = lead.match(MARKER);
  if (!markers) return marked;
  const rest = marked.slice(lead.length);
  const cleanLead = lead.replace(MARKER, '');
  const withMatch = /^with\s/i.exec(rest);
  const cut = withMatch ? withMatch[0].length : 0;
  return `${cleanLead}${rest.slice(0, cut)}${markers[markers.length - 1]}${rest.slice(cut)}`;
}

const isEphemeral = (n: ManifestNode): n is ModelNode => n.resourceType === 'model' && n.config.materialized === 'ephemeral';

/**
 * Compiles a marked rendering as compile/ compiles the plain one; ephemeral models it inlines get
 * `ephemeralBody(node)` (their own marked rendering) in place of their plain SQL.
 */
export function compileMarked(index: RelationIndex, node: ManifestNode, marked: string, ephemeralBody: (node: ModelNode) => string): string {
  const wrapped = Object.create(index) as RelationIndex;
  wrapped.resolve = (target: PlaceholderTarget, self: ManifestNode | undefined) => {
    const found = index.resolve(target, self);
    return found && target.kind !== 'this' && isEphemeral(found) ? { ...found, renderedCode: ephemeralBody(found) } : found;
  };
  return compileSql(wrapped, node, moveLeadMarkers(marked));
}

/**
 * The source position of every character of `real` (the SQL that ran), taken from the stripped
 * marked compilation when both are the same text blanks aside; undefined when they differ (a
 * template that changes its output when markers are present: the caller falls back to searching).
 */
export function alignPositions(real: string, stripped: StrippedText): { file: Int32Array; line: Int32Array } | undefined {
  const file = new Int32Array(real.length).fill(-1);
  const line = new Int32Array(real.length);
  const s = stripped.text;
  let j = 0;
  for (let i = 0; i < real.length; i++) {
    const ch = real[i]!;
    if (/\s/.test(ch)) continue;
    while (j < s.length && /\s/.test(s[j]!)) j++;
    if (j >= s.length || s[j] !== ch) return undefined;
    file[i] = stripped.file[j]!;
    line[i] = stripped.line[j]!;
    j++;
  }
  while (j < s.length && /\s/.test(s[j]!)) j++;
  return j === s.length ? { file, line } : undefined;
}
