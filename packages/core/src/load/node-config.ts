import { ProjectError } from '../shared/errors.js';
import { KNOWN_CONFIG_KEYS, type NodeConfig } from '../manifest/config.js';
import { didYouMean } from '../shared/did-you-mean.js';
import type { SourceLocation } from '../shared/errors.js';

export type PartialConfig = Readonly<Record<string, unknown>>;

/** Config keys whose value is itself a mapping (so an object value is config, not a sub-folder). */
const MAPPING_KEYS = new Set(['meta', 'settings', 'query_settings', 'column_types', 'docs', 'persist_docs', 'grants', 'contract', 'quoting', 'snapshot_meta_column_names']);

/** dbt accepts `pre-hook` and `pre_hook`; keep one spelling. */
function canonicalKey(key: string): string {
  return key === 'pre-hook' ? 'pre_hook' : key === 'post-hook' ? 'post_hook' : key === 'data_type' ? 'data_type' : key;
}

/** Config keys tsdbt does not know, noted while a project loads (noteConfigKeys). */
let noted: Map<string, SourceLocation> | undefined;

/**
 * Starts noting config keys tsdbt does not know; the returned function stops and gives each key
 * with where it was first set. dbt accepts any config key (it is kept, readable with config.get):
 * so does tsdbt, saying once per key that nothing in tsdbt acts on it.
 */
export function noteConfigKeys(): () => ReadonlyMap<string, SourceLocation> {
  const mine = new Map<string, SourceLocation>();
  noted = mine;
  return () => {
    if (noted === mine) noted = undefined;
    return mine;
  };
}

/** Notes `key` when it is not a config tsdbt knows (first place only). */
export function noteConfigKey(key: string, whereLazy: SourceLocation | (() => SourceLocation)): void {
  if (KNOWN_CONFIG_KEYS.has(key) || !noted || noted.has(key)) return;
  noted.set(key, typeof whereLazy === 'function' ? whereLazy() : whereLazy);
}

/** The informational note for a config key nothing in tsdbt reads (a did-you-mean for a likely typo). */
export function unknownConfigNote(key: string, where: SourceLocation): string {
  const guess = didYouMean(key, KNOWN_CONFIG_KEYS);
  const at = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
  return `${at}config '${key}' is not one tsdbt acts on; it is kept in the node's config (config.get('${key}'))${guess ? `. Did you mean '${guess}'?` : ''}`;
}

/**
 * dbt's merge rule: later layers win key by key, except that `tags` accumulate
 * and `meta` (and other mapping keys) merge key by key.
 */
export function mergeConfig(base: PartialConfig, layer: PartialConfig): Record<string, unknown> {
  return mergeInto({ ...base }, layer);
}

/** `layers` merged in order by mergeConfig's rule, starting from nothing. */
export function mergeLayers(layers: readonly PartialConfig[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(out, layer);
  return out;
}

/** mergeConfig into `out` itself (a config being built: no copy per layer). */
function mergeInto(out: Record<string, unknown>, layer: PartialConfig): Record<string, unknown> {
  for (const rawKey in layer) {
    if (!Object.hasOwn(layer, rawKey)) continue;
    const value = layer[rawKey];
    const key = canonicalKey(rawKey);
    if (value === undefined) continue;
    if (key === 'tags') {
      const tags = [...asList(out.tags), ...asList(value)];
      out.tags = [...new Set(tags.map(String))];
    } else if (key === 'grants' && isMapping(value)) {
      out.grants = mergeGrants(isMapping(out.grants) ? out.grants : {}, value);
    } else if (MAPPING_KEYS.has(key) && isMapping(value) && isMapping(out[key])) {
      out[key] = { ...(out[key] as object), ...value };
    } else if ((key === 'pre_hook' || key === 'post_hook') && out[key] !== undefined) {
      out[key] = [...asList(out[key]), ...asList(value)];
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * dbt's DictKeyAppend merge of `grants`: each privilege's grantees become a list; a later layer's
 * `+select: [...]` extends the list so far, a plain `select: [...]` replaces it.
 */
function mergeGrants(base: Readonly<Record<string, unknown>>, layer: Readonly<Record<string, unknown>>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [privilege, grantees] of Object.entries(base)) out[privilege.replace(/^\++/, '')] = asList(grantees);
  for (const [key, grantees] of Object.entries(layer)) {
    const privilege = key.replace(/^\++/, '');
    out[privilege] = key.startsWith('+') && out[privilege] ? [...out[privilege]!, ...asList(grantees)] : asList(grantees);
  }
  return out;
}

/** `enabled` as dbt validates it (a boolean; 'true'/'false' text accepted): `enabled: True and False` is an error, not truthy. */
function enabledValue(value: unknown, file?: string): boolean {
  if (value === undefined || value === null || value === true) return true;
  if (value === false) return false;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw new ProjectError('config_type', `Invalid config: '${String(value)}' is not of type 'boolean' (enabled)`, {
    file,
    hint: "Write enabled: true or enabled: false (a Jinja expression must render to True or False, e.g. \"{{ target.name == 'prod' }}\").",
  });
}

/**
 * dbt's SchemaConfigError for a seed or a test given another materialization (`seeds: +materialized:
 * table`): they are always materialized as what they are.
 */
export function assertOwnMaterialization(config: NodeConfig, kind: 'seed' | 'test', file: string): NodeConfig {
  if (config.materialized === kind) return config;
  throw new ProjectError('config_type', `Invalid ${kind}s config given in ${file}: materialized '${config.materialized}' (a ${kind} is always materialized as a ${kind})`, {
    file,
    hint: `Remove materialized from the ${kind}'s configs (dbt_project.yml's ${kind === 'seed' ? 'seeds:' : 'data_tests:'} or its YAML entry).`,
  });
}

/** Configs of nodes no layer configures, per defaults: one frozen object they share (most generic tests of a project). */
const defaultsOnly = new WeakMap<NodeConfig, NodeConfig>();

/** `file`: the node's file, named by a config error. */
export function finalizeConfig(defaults: NodeConfig, layers: readonly PartialConfig[], file?: string): NodeConfig {
  if (layers.every(isEmptyLayer)) {
    let config = defaultsOnly.get(defaults);
    if (!config) defaultsOnly.set(defaults, (config = finalized(defaults, [], file)));
    return config;
  }
  return finalized(defaults, layers, file);
}

function isEmptyLayer(layer: PartialConfig): boolean {
  for (const key in layer) if (Object.hasOwn(layer, key)) return false;
  return true;
}

function finalized(defaults: NodeConfig, layers: readonly PartialConfig[], file?: string): NodeConfig {
  const merged: Record<string, unknown> = { ...defaults };
  for (const layer of layers) mergeInto(merged, layer);
  merged.tags = asList(merged.tags).map(String);
  merged.meta = isMapping(merged.meta) ? merged.meta : {};
  merged.enabled = enabledValue(merged.enabled, file);
  merged.materialized = String(merged.materialized);
  return Object.freeze(merged) as NodeConfig;
}

/**
 * Resolves a project-file config tree (`models: { proj: { clean: { +schema: x } } }`) for a node
 * whose fqn is `folders` (project name first, the node's own name last: as dbt, a key naming one
 * model configures just that model). Each level's `+key` entries apply to everything below it;
 * deeper levels win.
 */
export function folderConfig(
  tree: Readonly<Record<string, unknown>>,
  folders: readonly string[],
  file: string,
  lineOf: (path: (string | number)[]) => number,
  treePath: (string | number)[],
): PartialConfig {
  // The levels the walk goes through (mappings from the top along `folders`) decide the result: nodes
  // of one folder share it (25,000 nodes of a project walk a few dozen folders). Shared, so frozen:
  // callers merge it into configs of their own. Made again when another load notes config keys.
  let walks = folderWalks.get(tree);
  if (!walks) folderWalks.set(tree, (walks = new Map()));
  const key = `${file}\0${treePath.join('\0')}`;
  let walk: FolderWalk | undefined = walks.get(key);
  if (!walk) walks.set(key, (walk = {}));
  let level: unknown = tree;
  for (let i = 0; i < folders.length && isMapping(level); i++) {
    const folder = folders[i]!;
    level = level[folder];
    if (!isMapping(level)) break;
    let next: FolderWalk | undefined = (walk.next ??= new Map()).get(folder);
    if (!next) walk.next.set(folder, (next = {}));
    walk = next;
  }
  if (walk.config && walk.noted === noted) return walk.config;
  walk.noted = noted;
  return (walk.config = Object.freeze(walkedFolderConfig(tree, folders, file, lineOf, treePath)));
}

/** folderConfig's results by config tree, then by file and tree path, then along the folders walked (only through mappings). */
interface FolderWalk {
  config?: PartialConfig;
  /** The noteConfigKeys map in effect when `config` was made (its keys noted there). */
  noted?: Map<string, SourceLocation>;
  next?: Map<string, FolderWalk>;
}
const folderWalks = new WeakMap<object, Map<string, FolderWalk>>();

function walkedFolderConfig(
  tree: Readonly<Record<string, unknown>>,
  folders: readonly string[],
  file: string,
  lineOf: (path: (string | number)[]) => number,
  treePath: (string | number)[],
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  let level: unknown = tree;
  const path = [...treePath];
  for (let i = 0; i <= folders.length; i++) {
    if (!isMapping(level)) break;
    const layer: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(level)) {
      const isPlus = key.startsWith('+');
      const name = isPlus ? key.slice(1) : key;
      // dbt (context_config.py): `+key` is config; an unprefixed key is config unless its value is a
      // mapping, which is always a folder (so a folder named `docs` or `meta` stays a folder).
      const isConfig = isPlus || !isMapping(value);
      if (!isConfig) continue;
      noteConfigKey(name, () => ({ file, line: lineOf([...path, key]) }));
      layer[name] = value;
    }
    mergeInto(config, layer);
    const next = folders[i];
    if (next === undefined) break;
    path.push(next);
    level = level[next];
  }
  return config;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}
