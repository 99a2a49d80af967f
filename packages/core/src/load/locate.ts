/** 1-based line of the first occurrence of `needle` in `text` (1 when absent). */
export function lineOfText(text: string, needle: RegExp | string): number {
  const idx = typeof needle === 'string' ? text.indexOf(needle) : text.search(needle);
  if (idx < 0) return 1;
  let line = 1;
  for (let i = 0; i < idx; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
