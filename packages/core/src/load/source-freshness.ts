import type { FreshnessRule, FreshnessThreshold } from '../manifest/nodes.js';
import { isMapping } from './node-config.js';

type Path = (string | number)[];
type Fail = (path: Path, message: string, hint?: string) => never;

const PERIODS = ['minute', 'hour', 'day'] as const;

/**
 * A source table's freshness and loaded_at_field as dbt resolves them: the source's `freshness` (and
 * `config.freshness`), then the table's over it, threshold by threshold (dbt's merge_freshness);
 * `freshness: null` on the table turns it off. loaded_at_field: the table's, else the source's.
 */
export function resolveSourceFreshness(
  source: Record<string, unknown>,
  table: Record<string, unknown>,
  paths: { readonly source: Path; readonly table: Path },
  fail: Fail,
): { freshness?: FreshnessThreshold; loadedAtField?: string; loadedAtQuery?: string } {
  const layers: [unknown, Path][] = [];
  const add = (owner: Record<string, unknown>, path: Path) => {
    if ('freshness' in owner) layers.push([owner.freshness, [...path, 'freshness']]);
    if (isMapping(owner.config) && 'freshness' in owner.config) layers.push([owner.config.freshness, [...path, 'config', 'freshness']]);
  };
  add(source, paths.source);
  add(table, paths.table);
  let freshness: FreshnessThreshold | null | undefined;
  for (const [value, path] of layers) {
    if (value === null) {
      freshness = null;
      continue;
    }
    const parsed = parseThreshold(value, path, fail);
    freshness = freshness ? mergeThreshold(freshness, parsed) : parsed;
  }
  // dbt 1.10: loaded_at_field or loaded_at_query (a query giving the newest load time), never both
  // on one level; the table's choice wins over the source's (its field turns the source's query off).
  const level = (owner: Record<string, unknown>, path: Path) => {
    const get = (key: string) => owner[key] ?? (isMapping(owner.config) ? owner.config[key] : undefined);
    const field = get('loaded_at_field');
    const query = get('loaded_at_query');
    for (const [key, v] of [['loaded_at_field', field], ['loaded_at_query', query]] as const)
      if (v !== undefined && v !== null && typeof v !== 'string') fail([...path, key], `'${key}' must be ${key === 'loaded_at_field' ? 'a column name or SQL expression' : 'a SQL query'}`);
    const f = typeof field === 'string' && field.trim() !== '' ? field : undefined;
    const q = typeof query === 'string' && query.trim() !== '' ? query : undefined;
    if (f && q) fail([...path, 'loaded_at_query'], 'loaded_at_field and loaded_at_query cannot both be set', 'Keep one: loaded_at_field names a column, loaded_at_query is a query returning the newest load time.');
    return f ? { loadedAtField: f } : q ? { loadedAtQuery: q } : undefined;
  };
  // dbt's validation and loaded_at_field_present: "" is an error; `loaded_at_field: null` on the table
  // clears the source's field and query (the table falls back to metadata-based freshness).
  for (const [owner, path] of [[source, paths.source], [table, paths.table]] as const)
    if (owner.loaded_at_field === '') fail([...path, 'loaded_at_field'], 'loaded_at_field cannot be an empty string.', "Name a column (or SQL expression), or write loaded_at_field: null for none.");
  const cleared = 'loaded_at_field' in table && table.loaded_at_field === null;
  const loadedAt = level(table, paths.table) ?? (cleared ? undefined : level(source, paths.source));
  return { ...(freshness ? { freshness } : {}), ...loadedAt };
}

/** True when the freshness has a threshold to check (dbt's `has_freshness`, loaded_at_field aside). */
export function hasThreshold(f: FreshnessThreshold | undefined): f is FreshnessThreshold {
  return !!f && (f.warnAfter !== undefined || f.errorAfter !== undefined);
}

function parseThreshold(value: unknown, path: Path, fail: Fail): FreshnessThreshold {
  if (!isMapping(value)) return fail(path, "'freshness' must be a mapping with warn_after / error_after (and filter)", "Write e.g. freshness: {warn_after: {count: 12, period: hour}, error_after: {count: 24, period: hour}}");
  for (const key of Object.keys(value)) {
    if (!['warn_after', 'error_after', 'filter'].includes(key)) fail([...path, key], `Unknown freshness key '${key}'`, 'freshness takes warn_after, error_after and filter.');
  }
  const filter = value.filter;
  if (filter !== undefined && filter !== null && typeof filter !== 'string') fail([...path, 'filter'], "freshness 'filter' must be a SQL condition (a string)");
  return {
    ...rule(value.warn_after, [...path, 'warn_after'], fail, 'warnAfter'),
    ...rule(value.error_after, [...path, 'error_after'], fail, 'errorAfter'),
    ...(typeof filter === 'string' && filter.trim() !== '' ? { filter } : {}),
  };
}

function rule(value: unknown, path: Path, fail: Fail, key: 'warnAfter' | 'errorAfter'): Partial<FreshnessThreshold> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) return fail(path, `'${path.at(-1)}' must be a mapping such as {count: 12, period: hour}`);
  const { count, period } = value;
  // dbt: {count: null, period: null} is "no threshold" (it clears an inherited one).
  if ((count === null || count === undefined) && (period === null || period === undefined)) return { [key]: null } as never;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return fail([...path, 'count'], `'count' must be a whole number of periods (found ${JSON.stringify(count)})`);
  if (!PERIODS.includes(period as (typeof PERIODS)[number])) return fail([...path, 'period'], `'period' must be one of ${PERIODS.join(', ')} (found ${JSON.stringify(period)})`);
  return { [key]: { count, period: period as FreshnessRule['period'] } };
}

function mergeThreshold(base: FreshnessThreshold, update: FreshnessThreshold): FreshnessThreshold {
  const pick = (k: 'warnAfter' | 'errorAfter') => (k in update ? update[k] : base[k]);
  const out: { warnAfter?: FreshnessRule; errorAfter?: FreshnessRule; filter?: string } = {};
  const warn = pick('warnAfter');
  const error = pick('errorAfter');
  if (warn) out.warnAfter = warn;
  if (error) out.errorAfter = error;
  const filter = update.filter ?? base.filter;
  if (filter) out.filter = filter;
  return out;
}
