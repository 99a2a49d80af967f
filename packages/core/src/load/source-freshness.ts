import type { FreshnessRule, FreshnessThreshold, SourceNode } from '../manifest/nodes.js';
import { isMapping } from './node-config.js';
import { renderConfigValues } from './render-config.js';

/** dbt's SourceFreshnessProjectHooksNotRun (deprecation source-freshness-project-hooks), its words. */
export const FRESHNESS_HOOKS_DEPRECATION =
  'Deprecated functionality (source-freshness-project-hooks): In a future version of dbt, the `source freshness` command will start running `on-run-start` and `on-run-end` hooks by default. For more information: https://docs.getdbt.com/reference/global-configs/legacy-behaviors';

type Path = (string | number)[];
type Fail = (path: Path, message: string, hint?: string) => never;

const PERIODS = ['minute', 'hour', 'day'] as const;

/**
 * A source table's freshness and loaded_at_field as dbt 1.10 resolves them (parser/sources.py
 * merge_source_freshness): the source's `freshness`, its `config.freshness`, the table's, the table's
 * `config.freshness`, merged in that order, threshold by threshold. `freshness: null` at a level is off
 * (a later level with a threshold turns it on again); `error_after: null` drops that threshold, while
 * `error_after: {}` (or absent) keeps the one above. `freshness` is `null` when turned off, undefined
 * when no level sets a threshold (dbt_project.yml's `+freshness` applies then: load-nodes.ts).
 * loaded_at_field and `freshness` are rendered (Jinja); loaded_at_query renders when it runs.
 */
export function resolveSourceFreshness(
  source: Record<string, unknown>,
  table: Record<string, unknown>,
  paths: { readonly source: Path; readonly table: Path },
  fail: Fail,
  render: (text: string) => string = (t) => t,
): { freshness?: FreshnessThreshold | null; loadedAtField?: string; loadedAtQuery?: string } {
  const layers: [unknown, Path][] = [];
  const add = (owner: Record<string, unknown>, path: Path) => {
    if ('freshness' in owner) layers.push([owner.freshness, [...path, 'freshness']]);
    if (isMapping(owner.config) && 'freshness' in owner.config) layers.push([owner.config.freshness, [...path, 'config', 'freshness']]);
  };
  add(source, paths.source);
  add(table, paths.table);
  const merged = mergeLayers(layers.map(([value, path]) => (value === null ? null : parseThreshold(renderConfigValues(value, render), path, fail))));
  // dbt 1.10: loaded_at_field or loaded_at_query (a query giving the newest load time), never both
  // on one level; the table's choice wins over the source's (its field turns the source's query off).
  const level = (owner: Record<string, unknown>, path: Path) => {
    const get = (key: string) => owner[key] ?? (isMapping(owner.config) ? owner.config[key] : undefined);
    const field = get('loaded_at_field');
    const query = get('loaded_at_query');
    for (const [key, v] of [['loaded_at_field', field], ['loaded_at_query', query]] as const)
      if (v !== undefined && v !== null && typeof v !== 'string') fail([...path, key], `'${key}' must be ${key === 'loaded_at_field' ? 'a column name or SQL expression' : 'a SQL query'}`);
    const f = typeof field === 'string' && field.trim() !== '' ? renderConfigValues(field, render) : undefined;
    const q = typeof query === 'string' && query.trim() !== '' ? query : undefined;
    if (f && q) fail([...path, 'loaded_at_query'], 'loaded_at_field and loaded_at_query cannot both be set', 'Keep one: loaded_at_field names a column, loaded_at_query is a query returning the newest load time.');
    return typeof f === 'string' && f !== '' ? { loadedAtField: f } : q ? { loadedAtQuery: q } : undefined;
  };
  // dbt's validation and loaded_at_field_present: "" is an error; `loaded_at_field: null` on the table
  // clears the source's field and query (the table falls back to metadata-based freshness).
  for (const [owner, path] of [[source, paths.source], [table, paths.table]] as const)
    if (owner.loaded_at_field === '') fail([...path, 'loaded_at_field'], 'loaded_at_field cannot be an empty string.', "Name a column (or SQL expression), or write loaded_at_field: null for none.");
  const cleared = 'loaded_at_field' in table && table.loaded_at_field === null;
  const loadedAt = level(table, paths.table) ?? (cleared ? undefined : level(source, paths.source));
  return { ...(merged === null ? { freshness: null } : hasThreshold(merged) ? { freshness: merged } : {}), ...loadedAt };
}

/**
 * dbt_project.yml's `sources: +freshness:` (an "object" config: used whole, only when the YAML's levels
 * set no threshold and none turned freshness off). undefined when it sets none.
 */
export function projectFreshness(value: unknown, fail: Fail): FreshnessThreshold | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const parsed = parseThreshold(value, ['sources', '+freshness'], fail);
  return hasThreshold(parsed) ? parsed : undefined;
}

/** dbt's merge_source_freshness over the levels (null: `freshness: null` there). */
function mergeLayers(layers: readonly (FreshnessThreshold | null)[]): FreshnessThreshold | null | undefined {
  // dbt's default at the source and table levels is an empty threshold (falsy, not None).
  let current: FreshnessThreshold | null = {};
  for (const update of layers) {
    if (current !== null && update !== null) current = mergeThreshold(current, update);
    else if (current === null && update !== null && hasThreshold(update)) current = update;
    else current = null;
  }
  return current;
}

/** True when the freshness has a threshold to check (dbt's `has_freshness`, loaded_at_field aside). */
export function hasThreshold(f: FreshnessThreshold | undefined): f is FreshnessThreshold {
  return !!f && (!!f.warnAfter || !!f.errorAfter);
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
  // dbt: `error_after: null` is None (drops the threshold above); absent is an empty Time (keeps it).
  if (value === null) return { [key]: null } as never;
  if (value === undefined) return {};
  if (!isMapping(value)) return fail(path, `'${path.at(-1)}' must be a mapping such as {count: 12, period: hour}`);
  const { period } = value;
  // A rendered count (`count: "{{ var('hours') }}"`) is its number, as dbt's native rendering.
  const count = typeof value.count === 'string' && /^\d+$/.test(value.count.trim()) ? Number(value.count) : value.count;
  // dbt 1.10: {count: null, period: null} (or {}) is an empty Time: the threshold above is kept.
  if ((count === null || count === undefined) && (period === null || period === undefined)) return {};
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return fail([...path, 'count'], `'count' must be a whole number of periods (found ${JSON.stringify(count)})`);
  if (!PERIODS.includes(period as (typeof PERIODS)[number])) return fail([...path, 'period'], `'period' must be one of ${PERIODS.join(', ')} (found ${JSON.stringify(period)})`);
  return { [key]: { count, period: period as FreshnessRule['period'] } };
}

function mergeThreshold(base: FreshnessThreshold, update: FreshnessThreshold): FreshnessThreshold {
  const pick = (k: 'warnAfter' | 'errorAfter') => (k in update ? update[k] : base[k]);
  const out: { warnAfter?: FreshnessRule | null; errorAfter?: FreshnessRule | null; filter?: string } = {};
  const warn = pick('warnAfter');
  const error = pick('errorAfter');
  // null (dropped by `error_after: null`) stays null: sources.json writes it as null, unset as {count: null, …}.
  if (warn !== undefined) out.warnAfter = warn;
  if (error !== undefined) out.errorAfter = error;
  const filter = update.filter ?? base.filter;
  if (filter) out.filter = filter;
  return out;
}

/**
 * dbt's FreshnessConfigProblem at parse: a source with a threshold but neither loaded_at_field nor
 * loaded_at_query, on an adapter without metadata-based freshness (ClickHouse, as dbt-clickhouse).
 */
export function warnMetadataFreshness(nodes: Iterable<{ resourceType: string }>, onLog: (message: string, level: 'warn') => void): void {
  for (const n of nodes) {
    if (n.resourceType !== 'source') continue;
    const s = n as SourceNode;
    if (hasThreshold(s.freshness) && s.loadedAtField === undefined && s.loadedAtQuery === undefined)
      onLog(`The configured adapter does not support metadata-based freshness. A loaded_at_field must be specified for source '${s.sourceName}.${s.name}'.`, 'warn');
  }
}
