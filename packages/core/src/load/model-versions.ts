import { compareVersions } from '../manifest/model-version.js';
import type { ColumnInfo } from '../manifest/nodes.js';
import type { YamlFile } from '../shared/yaml-file.js';
import { isMapping } from './node-config.js';
import { parseConstraints } from './schema-constraints.js';
import type { ModelEntryParts, ResourcePatch, TestDeclaration } from './schema-yaml.js';

/*
 * Model versions (dbt 1.5): a `models:` entry with `versions:` describes several model files, one
 * per version — `<name>_v<v>.sql` or `defined_in:` (the latest version may also live in `<name>.sql`).
 * Each becomes the node `model.<pkg>.<name>.v<v>`, named `<name>`, with fqn `[..., <name>, v<v>]`
 * and (by default) the relation `<name>_v<v>`; an unpinned ref('<name>') reads the latest version.
 */

/** One version of a model, as a complete patch: the model's properties with the version's over them. */
export interface VersionPatch extends ResourcePatch {
  /** The version as written (`2`, `1.5`, `beta`). */
  readonly v: string;
  /** The model file's name (without .sql) when it is not `<name>_v<v>`. */
  readonly definedIn?: string;
  /** Set once the model's patches are matched to files (expandModelVersions). */
  readonly latestVersion?: string;
}

export function isVersionPatch(p: ResourcePatch | undefined): p is VersionPatch {
  return p !== undefined && 'v' in p;
}

type Path = (string | number)[];
type Fail = (path: Path, message: string, hint?: string) => never;

export interface VersionParseHelpers {
  readonly yaml: YamlFile;
  readonly fail: Fail;
  readonly parseColumns: (v: unknown, path: Path, line: number) => { columns: Record<string, ColumnInfo>; testsByColumn: Map<string, TestDeclaration[]> };
  readonly parseTests: (v: unknown, path: Path, line: number) => TestDeclaration[];
  readonly parseConfig: (v: unknown, path: Path) => Record<string, unknown>;
  readonly mergeConfig: (base: Readonly<Record<string, unknown>>, layer: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

const VERSIONS_HINT = 'Write versions as a list: versions: [{v: 1}, {v: 2, defined_in: my_model_v2_file, columns: [{include: all, exclude: [old_col]}]}].';

/** A model entry's `versions:` and `latest_version`, each version a complete patch (dbt's ModelPatchParser). */
export function parseVersions(parts: ModelEntryParts, entry: Readonly<Record<string, unknown>>, path: Path, h: VersionParseHelpers): { versions: VersionPatch[]; latest: string } {
  const model = parts.patch;
  const raw = entry.versions;
  if (!Array.isArray(raw) || raw.length === 0) return h.fail([...path, 'versions'], `'versions' of model '${model.name}' must be a non-empty list`, VERSIONS_HINT);
  const seen = new Set<string>();
  const versions = raw.map((item, i): VersionPatch => {
    const at: Path = [...path, 'versions', i];
    if (!isMapping(item) || item.v === undefined || item.v === null || (typeof item.v !== 'string' && typeof item.v !== 'number'))
      return h.fail(at, `Each version of model '${model.name}' needs a 'v' (a number or a string)`, VERSIONS_HINT);
    const v = String(item.v);
    if (seen.has(v)) h.fail(at, `Found duplicate version: '${v}' in versions list of model '${model.name}'`);
    seen.add(v);
    const line = h.yaml.lineOf(at);
    const select = includeExclude(item.columns, [...at, 'columns'], h.fail, model.name, v);
    const own = h.parseColumns(item.columns, [...at, 'columns'], line);
    // dbt's get_columns_for_version: the model's columns the version includes, then its own.
    const columns: Record<string, ColumnInfo> = {};
    const tests: TestDeclaration[] = [];
    const ownTests = item.data_tests ?? item.tests;
    tests.push(...(ownTests !== undefined && ownTests !== null ? h.parseTests(ownTests, [...at, item.data_tests !== undefined ? 'data_tests' : 'tests'], line) : parts.modelTests));
    for (const [name, column] of Object.entries(model.columns)) {
      if (!select(name) || own.columns[name]) continue;
      columns[name] = column;
      tests.push(...(parts.columnTests.get(name) ?? []));
    }
    for (const [name, column] of Object.entries(own.columns)) {
      columns[name] = column;
      tests.push(...(own.testsByColumn.get(name) ?? []));
    }
    const constraints = parseConstraints(item.constraints, [...at, 'constraints'], h.fail, `version ${v} of model '${model.name}'`);
    const definedIn = item.defined_in === undefined || item.defined_in === null ? undefined : String(item.defined_in).replace(/\.sql$/, '');
    return {
      ...model,
      line,
      v,
      ...(definedIn ? { definedIn } : {}),
      description: typeof item.description === 'string' && item.description ? item.description : model.description,
      config: h.mergeConfig(model.config, h.parseConfig(item.config, [...at, 'config'])),
      columns,
      tests,
      // dbt: `unparsed_version.constraints or target.constraints` (an empty list keeps the model's).
      ...(constraints?.length ? { constraints } : {}),
      ...(item.deprecation_date !== undefined && item.deprecation_date !== null
        ? { deprecationDate: item.deprecation_date instanceof Date ? item.deprecation_date.toISOString() : String(item.deprecation_date) }
        : {}),
      versions: undefined,
    };
  });
  let latest: string;
  if (entry.latest_version !== undefined && entry.latest_version !== null) {
    latest = String(entry.latest_version);
    if (!seen.has(latest))
      h.fail([...path, 'latest_version'], `latest_version: ${latest} is not one of model '${model.name}' versions: [${[...seen].join(', ')}]`, 'Set latest_version to one of the listed v values.');
  } else latest = versions.map((x) => x.v).reduce((a, b) => (compareVersions(b, a) > 0 ? b : a));
  return { versions, latest };
}

/** The version's `- include: … / exclude: …` column selector (at most one), as a predicate on the model's column names. */
function includeExclude(columns: unknown, path: Path, fail: Fail, model: string, v: string): (name: string) => boolean {
  if (!Array.isArray(columns)) return () => true;
  const selectors = columns.map((c, i) => [c, i] as const).filter(([c]) => isMapping(c) && c.name === undefined && ('include' in c || 'exclude' in c));
  if (selectors.length === 0) return () => true;
  if (selectors.length > 1) fail([...path, selectors[1]![1]], `Version ${v} of model '${model}' can have at most one include/exclude element`);
  const [c, i] = selectors[0]! as readonly [Record<string, unknown>, number];
  const all = c.include === undefined || c.include === 'all' || c.include === '*';
  const include = all ? undefined : Array.isArray(c.include) ? new Set(c.include.map(String)) : fail([...path, i, 'include'], `'include' must be 'all', '*' or a list of column names`);
  const exclude = c.exclude === undefined || c.exclude === null ? new Set<string>() : Array.isArray(c.exclude) ? new Set(c.exclude.map(String)) : fail([...path, i, 'exclude'], `'exclude' must be a list of column names`);
  if (!all && exclude.size) fail([...path, i, 'exclude'], `Version ${v} of model '${model}': exclude can only be specified if include is one of 'all' or '*'`);
  return (name) => (include ? include.has(name) : true) && !exclude.has(name);
}

/**
 * The model patches keyed by the file each describes: a versioned model's entry becomes one patch per
 * version under its file's name (`defined_in`, else `<name>_v<v>`, else — for the latest version —
 * `<name>`), marked with the latest version. A version with no file is reported through `onMissing`
 * (dbt's NoNodeForYamlKey warning).
 */
export function expandModelVersions(
  patches: ReadonlyMap<string, ResourcePatch>,
  files: ReadonlySet<string>,
  onMissing: (patch: VersionPatch, expected: string) => void,
): Map<string, ResourcePatch> {
  const out = new Map<string, ResourcePatch>();
  for (const [name, patch] of patches) {
    if (!patch.versions) {
      out.set(name, patch);
      continue;
    }
    for (const version of patch.versions) {
      let file = version.definedIn ?? `${patch.name}_v${version.v}`;
      if (!files.has(file) && version.definedIn === undefined && version.v === patch.latestVersion && files.has(patch.name)) file = patch.name;
      if (!files.has(file)) onMissing(version, file);
      out.set(file, { ...version, latestVersion: patch.latestVersion });
    }
  }
  return out;
}
