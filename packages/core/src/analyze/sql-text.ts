/**
 * Finding a name in SQL text: outside string literals and comments, as a whole identifier
 * (optionally backquoted or double-quoted, `a.b` with or without blanks around the dot).
 */

/** True for each character of `sql` that is code (not inside '…' strings or comments). */
export function codeMask(sql: string): Uint8Array {
  const mask = new Uint8Array(sql.length);
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'") {
      i++;
      while (i < sql.length && sql[i] !== "'") i += sql[i] === '\\' ? 2 : 1;
      i = Math.min(sql.length, i + 1);
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (ch === '`' || ch === '"') {
      const close = ch;
      mask[i++] = 1;
      while (i < sql.length && sql[i] !== close) {
        if (sql[i] === '\\') mask[i++] = 1;
        mask[i++] = 1;
      }
      if (i < sql.length) mask[i++] = 1;
      continue;
    }
    mask[i++] = 1;
  }
  return mask;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex for `name` (`a.b.c` parts, each optionally quoted) as a whole identifier; `b` also matches the `b` of `a.b`. */
export function identifierPattern(name: string, flags = 'g'): RegExp {
  const parts = name.split('.').map((p) => `(?:\`${escapeRe(p)}\`|"${escapeRe(p)}"|${escapeRe(p)})`);
  return new RegExp(`(?<![\\w\`"$])${parts.join('\\s*\\.\\s*')}(?![\\w\`"$])`, flags);
}

/** Offsets of `name` in the code of `sql` (case-sensitive matches first, then any case). */
export function findIdentifier(sql: string, name: string, mask = codeMask(sql)): number[] {
  for (const flags of ['g', 'gi']) {
    const found: number[] = [];
    for (const m of sql.matchAll(identifierPattern(name, flags))) if (mask[m.index!]) found.push(m.index!);
    if (found.length) return found;
  }
  return [];
}

/** Offsets of a keyword or operator text (e.g. `union`, `count(`) in the code of `sql`, any case. */
export function findText(sql: string, text: string, mask = codeMask(sql)): number[] {
  const word = /^\w/.test(text) ? '(?<![\\w$])' : '';
  const end = /\w$/.test(text) ? '(?![\\w$])' : '';
  const re = new RegExp(`${word}${escapeRe(text).replace(/\\\(/g, '\\s*\\(')}${end}`, 'gi');
  const found: number[] = [];
  for (const m of sql.matchAll(re)) if (mask[m.index!]) found.push(m.index!);
  return found;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1 };
}
