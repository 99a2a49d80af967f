import { sqlString } from '../render/placeholders.js';
import { blankNonCode } from '../shared/sql-statements.js';

/** `SETTINGS a = 1, b = 'x'` for a mapping, '' when empty. */
export function settingsClause(settings: unknown): string {
  if (!settings || typeof settings !== 'object') return '';
  // A string already in quotes goes as written (dbt-clickhouse's `_build_settings_str`: the old
  // `"'full_sorting_merge'"` workaround of its issue 240 must not be quoted twice).
  const value = (v: unknown) => (typeof v === 'string' ? (v.startsWith("'") ? v : sqlString(v)) : typeof v === 'boolean' ? (v ? 1 : 0) : String(v));
  const pairs = Object.entries(settings as Record<string, unknown>).map(([k, v]) => `${k} = ${value(v)}`);
  return pairs.length ? `SETTINGS ${pairs.join(', ')}` : '';
}

/**
 * `sql` with `settings` in its SETTINGS clause: appended to the clause the query already ends with
 * (a materialization's own `SETTINGS join_use_nulls = 0`; a setting it names keeps its value), or
 * as a clause of its own.
 */
export function withSettings(sql: string, settings: unknown): string {
  const clause = settingsClause(settings);
  if (!clause) return sql;
  const own = /\bSETTINGS\s+((?:[A-Za-z_]\w*\s*=\s*[^,()]+?\s*,\s*)*[A-Za-z_]\w*\s*=\s*[^,()]+?)\s*$/i.exec(blankNonCode(sql));
  if (!own) return `${sql}\n${clause}`;
  const named = new Set([...own[1]!.matchAll(/([A-Za-z_]\w*)\s*=/g)].map((m) => m[1]!.toLowerCase()));
  const extra = Object.fromEntries(Object.entries(settings as Record<string, unknown>).filter(([k]) => !named.has(k.toLowerCase())));
  const more = settingsClause(extra).replace(/^SETTINGS /, '');
  return more ? `${sql.replace(/\s+$/, '')}, ${more}` : sql;
}

/** The union/except/intersect_default_mode entries of `settings` (undefined when none). */
export function setOperationModes(settings: unknown): Record<string, unknown> | undefined {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return undefined;
  const modes = Object.entries(settings as Record<string, unknown>).filter(([k, v]) => /^(union|except|intersect)_default_mode$/i.test(k) && typeof v === 'string');
  return modes.length ? Object.fromEntries(modes.map(([k, v]) => [k, String(v).replace(/^'(.*)'$/, '$1')])) : undefined;
}
