/**
 * Finds where a template's Jinja structure is broken, as Jinja2's lexer and parser see it, at the
 * source position a user can fix: a stray `}` or `)` in a tag (Jinja2: "unexpected '}'"), a tag,
 * string or comment never closed (the position where it opens), an end tag that closes nothing or
 * the wrong block, and a block never closed (the line of its opening tag — nunjucks only says
 * "end of file"). Run only after nunjucks refused a template, so it costs nothing otherwise.
 */

export interface SyntaxProblem {
  readonly message: string;
  /** 1-based line and column in the source. */
  readonly line: number;
  readonly column: number;
  readonly hint: string;
}

/** Block tags and the tags that may stand between them and their end (Jinja2 + dbt's own blocks). */
const BLOCKS: Readonly<Record<string, readonly string[]>> = {
  if: ['elif', 'else'],
  for: ['else'],
  macro: [],
  call: [],
  filter: [],
  block: [],
  with: [],
  autoescape: [],
  trans: ['pluralize'],
  set: [],
  test: [],
  materialization: [],
  docs: [],
  snapshot: [],
};

const CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

interface OpenBlock {
  readonly name: string;
  readonly at: number;
}

/** Jinja2's list of what a parser waits for inside `block`: `'elif' or 'else' or 'endif'`. */
function expected(block: string): string {
  return [...BLOCKS[block]!, `end${block}`].map((t) => `'${t}'`).join(' or ');
}

/** `{% set x %}` (a block, closed by endset) rather than `{% set x = … %}`. */
function isBlockSet(content: string): boolean {
  const bare = content.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return !/(^|[^=!<>])=($|[^=])/.test(bare);
}

export function findSyntaxProblem(template: string): SyntaxProblem | undefined {
  const src = template.replace(/\r\n?/g, '\n');
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const at = (offset: number, message: string, hint: string): SyntaxProblem => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { message, line: lo + 1, column: offset - lineStarts[lo]! + 1, hint };
  };
  const stack: OpenBlock[] = [];
  const startRe = /\{[{%#]/g;
  let i = 0;
  for (;;) {
    startRe.lastIndex = i;
    const m = startRe.exec(src);
    if (!m) break;
    const start = m.index;
    if (m[0] === '{#') {
      const end = src.indexOf('#}', start + 2);
      if (end < 0) return at(start, 'Missing end of comment tag', 'Close the comment with #}.');
      i = end + 2;
      continue;
    }
    const kind = m[0][1]!;
    const close = kind === '{' ? '}}' : '%}';
    // The tag's content, brackets balanced and strings skipped, as Jinja2's lexer reads it.
    const brackets: { c: string; at: number }[] = [];
    let p = start + 2;
    let end = -1;
    while (p < src.length) {
      const c = src[p]!;
      if (c === "'" || c === '"') {
        let q = p + 1;
        while (q < src.length && src[q] !== c) q += src[q] === '\\' ? 2 : 1;
        if (src[q] !== c) return at(p, `unexpected char ${JSON.stringify(c)}: a string that is never closed`, `Close the string with ${c}.`);
        p = q + 1;
        continue;
      }
      if (brackets.length === 0 && src.startsWith(close, p)) {
        end = p;
        break;
      }
      if (brackets.length === 0 && kind === '{' && src.startsWith('%}', p)) return at(p, "unexpected '%}' in an expression", 'An expression {{ … }} ends with }}.');
      if (brackets.length > 0 && src.startsWith(close, p) && (kind === '%' || src[p + 2] !== '}')) {
        const open = brackets[brackets.length - 1]!;
        return at(open.at, `unexpected '${close}': '${open.c}' is never closed`, `Close it with '${CLOSERS[open.c]}' before ${close}.`);
      }
      if (c in CLOSERS) brackets.push({ c, at: p });
      else if (c === ')' || c === ']' || c === '}') {
        const open = brackets.pop();
        if (!open) return at(p, `unexpected '${c}'`, kind === '{' && c === '}' ? 'An expression ends with }} (two braces).' : `Remove the '${c}', or open it before.`);
        if (CLOSERS[open.c] !== c) return at(p, `unexpected '${c}', expected '${CLOSERS[open.c]}'`, `The '${open.c}' at line ${at(open.at, '', '').line} is closed by '${CLOSERS[open.c]}'.`);
      }
      p++;
    }
    if (end < 0) {
      const what = kind === '{' ? "'end of print statement' (}})" : "'end of statement block' (%})";
      return at(start, `unexpected end of template: this tag is never closed, expected ${what}`, `Close the tag with ${close}.`);
    }
    i = end + 2;
    if (kind === '{') continue;
    const content = src.slice(start + 2, end).replace(/^[-+]/, '').replace(/[-+]$/, '');
    const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(content)?.[1];
    if (!name) continue;
    if (name === 'raw') {
      const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
      endRaw.lastIndex = i;
      const em = endRaw.exec(src);
      if (!em) return at(start, 'Missing end of raw directive', 'Close it with {% endraw %}.');
      i = em.index + em[0].length;
      continue;
    }
    const top = stack[stack.length - 1];
    if (name in BLOCKS) {
      if (name !== 'set' || isBlockSet(content.replace(/^\s*set\b/, ''))) stack.push({ name, at: start });
      continue;
    }
    if (name.startsWith('end') && name.slice(3) in BLOCKS) {
      if (top?.name === name.slice(3)) {
        stack.pop();
        continue;
      }
      if (!top) return at(start, `Encountered unknown tag '${name}'.`, `No {% ${name.slice(3)} %} is open here: remove this tag or add the opening one.`);
      const opened = at(top.at, '', '');
      return at(
        start,
        `Encountered unknown tag '${name}'. Jinja was looking for the following tags: ${expected(top.name)}. The innermost block that needs to be closed is '${top.name}'.`,
        `The {% ${top.name} %} at line ${opened.line} is still open: close it with {% end${top.name} %} first.`,
      );
    }
    const middle = Object.values(BLOCKS).some((m) => m.includes(name));
    if (middle && !(top && BLOCKS[top.name]!.includes(name))) {
      return at(start, `Encountered unknown tag '${name}'.${top ? ` Jinja was looking for the following tags: ${expected(top.name)}. The innermost block that needs to be closed is '${top.name}'.` : ''}`, `{% ${name} %} belongs inside ${name === 'pluralize' ? '{% trans %}' : name === 'elif' ? '{% if %}' : '{% if %} or {% for %}'}.`);
    }
  }
  const open = stack[stack.length - 1];
  if (open) {
    return at(
      open.at,
      `Unexpected end of template. Jinja was looking for the following tags: ${expected(open.name)}. The innermost block that needs to be closed is '${open.name}'.`,
      `This {% ${open.name} %} is never closed: add {% end${open.name} %} where the block ends.`,
    );
  }
  return undefined;
}
