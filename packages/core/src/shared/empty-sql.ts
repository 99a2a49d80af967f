/** True when `sql` holds nothing but whitespace and comments (an empty model file, or one with only config). */
export function isEmptySql(sql: string): boolean {
  return sql.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/--[^\n]*/g, '').trim() === '';
}
