/** True when `sql` holds nothing but whitespace and comments (an empty model file, or one with only config). */
export function isEmptySql(sql: string): boolean {
  // A load asks this of every node, and models often open with a comment: the leading comments are
  // stepped over until the first other character (SQL: false), without rewriting the whole text. What
  // the definition below could read otherwise (`/*` inside a `--` comment, a `-` or `/` opening no
  // comment, which removing a block comment could make one) goes to it.
  const blank = /\S/g;
  for (let at = 0; ; ) {
    blank.lastIndex = at;
    const first = blank.exec(sql);
    if (!first) return true;
    const p = first.index;
    const c = sql.charCodeAt(p);
    const next = sql.charCodeAt(p + 1);
    if (c === 45 /* - */ && next === 45) {
      const nl = sql.indexOf('\n', p + 2);
      const end = nl < 0 ? sql.length : nl;
      if (sql.lastIndexOf('/*', end - 2) >= p + 2) return emptyByDefinition(sql);
      if (nl < 0) return true;
      at = nl + 1;
    } else if (c === 47 /* / */ && next === 42 /* * */) {
      const close = sql.indexOf('*/', p + 2);
      if (close < 0) return true;
      at = close + 2;
    } else if (c === 45 || c === 47) {
      return emptyByDefinition(sql);
    } else {
      return false;
    }
  }
}

/** The definition: block comments taken out (an unclosed one to the end), then line comments, and nothing left but whitespace. */
export function emptyByDefinition(sql: string): boolean {
  return sql.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/--[^\n]*/g, '').trim() === '';
}
