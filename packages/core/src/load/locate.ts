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

/**
 * Where a project file's folder config (`models: <project>: <folder>: +key: value`) set `key` to `value` for a node of
 * `fqn` — the deepest folder's entry, as dbt applies them — as the path lineOf() takes, or undefined when none did.
 */
export function folderConfigPath(data: unknown, kind: string, fqn: readonly string[], key: string, value: unknown): (string | number)[] | undefined {
  let node = (data as Record<string, unknown> | null)?.[kind];
  const path: string[] = [kind];
  let found: string[] | undefined;
  for (const part of [undefined, ...fqn]) {
    if (part !== undefined) {
      node = (node as Record<string, unknown> | null)?.[part];
      path.push(part);
    }
    if (!node || typeof node !== 'object') break;
    for (const k of [`+${key}`, key]) if ((node as Record<string, unknown>)[k] === value) found = [...path, k];
  }
  return found;
}
