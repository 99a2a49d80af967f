/** True when `sql` holds nothing but whitespace and comments (an empty model file, or one with only config). */
export function isEmptySql(sql: string): boolean {
  // Fast path: text whose first non-blank character cannot open a comment holds SQL (a load asks this of every node).
  const first = /\S/.exec(sql);
  if (!first) return true;
  if (first[0] !== '-' && first[0] !== '/') return false;
  return sql.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/--[^\n]*/g, '').trim() === '';
}
