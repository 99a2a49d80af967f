import type { SourceOverride } from './source-overrides.js';
import type { ColumnInfo, Constraint, FreshnessThreshold } from '../manifest/nodes.js';
import { resolveSourceFreshness } from './source-freshness.js';
import { ProjectError } from '../shared/errors.js';
import { mergeConfig, noteConfigKey, isMapping } from './node-config.js';
import type { YamlFile } from '../shared/yaml-file.js';
import { renderConfigValues, renderingTestConfig } from './render-config.js';
import { parseConstraints } from './schema-constraints.js';
import { parseVersions, type VersionPatch } from './model-versions.js';
import { parseUnitTests, type UnitTestDeclaration } from './unit-test-yaml.js';
import { parseSemanticSections, type GroupDeclaration, type SemanticDeclaration } from './semantic-yaml.js';
import { parseFunctionEntry, type FunctionPatch } from './function-yaml.js';

/** One data test as declared in YAML (`- unique`, `- accepted_values: {values: [...]}`). */
export interface TestDeclaration {
  readonly testName: string;
  readonly namespace?: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly customName?: string;
  readonly columnName?: string;
  /** dbt 1.10: a `description:` beside the test's arguments (rendered with the node's others). */
  readonly description?: string;
  readonly file: string;
  /** The line of the model or column that declares the test (cheap to find). */
  readonly line: number;
  /** The test entry's own line, looked up exactly: for error messages. */
  readonly exactLine: () => number;
}

/** What a schema file says about one model or seed. */
export interface ResourcePatch {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** `config:` as written (Jinja not rendered): dbt's unrendered_config. */
  readonly rawConfig?: Readonly<Record<string, unknown>>;
  readonly columns: Readonly<Record<string, ColumnInfo>>;
  readonly tests: readonly TestDeclaration[];
  /** Models: model-level `constraints:`. */
  readonly constraints?: readonly Constraint[];
  /** Models: `versions:` (dbt 1.5), each a complete patch of one version, and the latest one. */
  readonly versions?: readonly VersionPatch[];
  readonly latestVersion?: string;
  readonly deprecationDate?: string;
  /** dbt 1.9 `time_spine:` (MetricFlow's time spine: standard_granularity_column…), as written. */
  readonly timeSpine?: Readonly<Record<string, unknown>>;
}

/** The parts of a model entry a version builds on (its own columns, tests and config go over them). */
export interface ModelEntryParts {
  readonly patch: ResourcePatch;
  /** Model-level tests only (a version's `data_tests` replace them). */
  readonly modelTests: readonly TestDeclaration[];
  /** Tests declared under each column. */
  readonly columnTests: ReadonlyMap<string, readonly TestDeclaration[]>;
}

export interface SourceTableDeclaration extends ResourcePatch {
  readonly sourceName: string;
  readonly sourceDescription: string;
  readonly schema: string;
  readonly identifier: string;
  readonly loader: string;
  readonly external?: { location: string; format?: string; options?: Record<string, unknown> };
  /** null: turned off (`freshness: null`); absent: no level sets one (dbt_project.yml's applies). */
  readonly freshness?: FreshnessThreshold | null;
  readonly loadedAtField?: string;
  readonly loadedAtQuery?: string;
}

/** A `snapshots:` entry: describes a `{% snapshot %}` block, or with `relation:` defines a snapshot (dbt 1.9). */
export interface SnapshotPatch extends ResourcePatch {
  /** `ref('m')` or `source('s', 't')`, as written (with or without `{{ }}`). */
  readonly relation?: string;
}

/** A `macros:` entry (dbt's macro properties): documentation for a macro of the file's package. */
export interface MacroPatch {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly description: string;
  readonly arguments: readonly { readonly name: string; readonly type?: string; readonly description: string }[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly showDocs: boolean;
}

export interface SchemaFileContents {
  readonly macros: readonly MacroPatch[];
  readonly models: readonly ResourcePatch[];
  readonly seeds: readonly ResourcePatch[];
  readonly snapshots: readonly SnapshotPatch[];
  readonly sources: readonly SourceTableDeclaration[];
  /** `unit_tests:` (dbt 1.8). */
  readonly unitTests: readonly UnitTestDeclaration[];
  /** `exposures:`, `metrics:`, `semantic_models:`, `saved_queries:` entries. */
  readonly semantic: readonly SemanticDeclaration[];
  /** `groups:` (dbt 1.5). */
  readonly groups: readonly GroupDeclaration[];
  /** `data_tests:` (dbt 1.9): description and config of singular tests, by name. */
  readonly singularTests: readonly ResourcePatch[];
  /** `analyses:`: description, columns and config of analyses, by name. */
  readonly analyses: readonly ResourcePatch[];
  /** `functions:` (dbt 1.11): arguments, return type, description and config of functions, by name. */
  readonly functions: readonly FunctionPatch[];
  /** What dbt warns about while reading the file (a `data_tests:` section it cannot parse). */
  readonly notes: readonly string[];
  /** `sources:` entries with `overrides: <package>` (they patch that package's source). */
  readonly sourceOverrides: readonly SourceOverride[];
}

/** Keys of a test entry that are config rather than test arguments (dbt accepts both places). */
const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'store_failures', 'store_failures_as', 'enabled', 'tags', 'meta', 'alias', 'schema', 'database']);

type Path = (string | number)[];

const LAYOUT_HINT = "dbt's properties layout: 'version: 2', then 'models:', 'seeds:' or 'sources:' as lists of '- name: …' entries, each with 'columns:' as a list of '- name: …'.";

/** Reads one dbt `version: 2` schema file. Unknown top-level sections are ignored, as dbt does. */
/** `render` renders Jinja in the source properties that may hold it (schema, database, identifier). */
export function parseSchemaFile(yaml: YamlFile, render: (text: string) => string): SchemaFileContents {
  const data = yaml.data;
  const file = yaml.file;
  // A list or a string at the top is a file nobody can read as properties: its tests would vanish.
  if (!isMapping(data)) {
    const kind = Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new ProjectError('schema_yaml', `${file} must be a mapping (version: 2, models:, sources: …), not ${kind}`, {
      file,
      line: 1,
      hint: "Start the file with 'version: 2' and put the entries under 'models:', 'seeds:' or 'sources:'.",
    });
  }
  const fail = (path: Path, message: string, hint = LAYOUT_HINT): never => {
    throw new ProjectError('schema_yaml', message, { file, line: yaml.lineOf(path), hint });
  };

  const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

  const parseConfig = (v: unknown, path: Path): Record<string, unknown> => {
    if (v === undefined || v === null) return {};
    if (!isMapping(v)) return fail(path, `'config' must be a mapping`);
    for (const key of Object.keys(v)) noteConfigKey(key, () => ({ file, line: yaml.lineOf([...path, key]) }));
    return renderConfigValues(v, render) as Record<string, unknown>;
  };

  // Lines of entries come from a cheap name index (exact lookups are for errors only).
  const parseTest = (entry: unknown, path: Path, line: number, columnName?: string): TestDeclaration => {
    let fullName: string;
    let body: Record<string, unknown> = {};
    if (typeof entry === 'string') fullName = entry;
    else if (isMapping(entry) && Object.keys(entry).length >= 1) {
      const keys = Object.keys(entry);
      // `- name: custom_name\n  test_name: unique` is also valid dbt.
      if (typeof entry.test_name === 'string') {
        fullName = entry.test_name;
        body = { ...entry };
        delete body.test_name;
      } else {
        if (keys.length !== 1)
          fail(path, `A test entry must have a single key (the test name), found: ${keys.join(', ')}`, 'Indent the arguments under the test name.');
        fullName = keys[0]!;
        const b = entry[fullName];
        body = b === null || b === undefined ? {} : isMapping(b) ? { ...b } : fail([...path, fullName], `Arguments of test '${fullName}' must be a mapping`);
      }
    } else return fail(path, 'A test entry must be a test name or a mapping of one test name to its arguments');
    const dot = fullName.lastIndexOf('.');
    const namespace = dot > 0 ? fullName.slice(0, dot) : undefined;
    const testName = dot > 0 ? fullName.slice(dot + 1) : fullName;
    const rendering = <T,>(make: () => T): T => renderingTestConfig(file, line, make);
    const config: Record<string, unknown> = { ...rendering(() => parseConfig(body.config, [...path, fullName, 'config'])) };
    const kwargs: Record<string, unknown> = {};
    // dbt's extract_test_args: `arguments:` is merged over the keys beside it, and then config keys
    // (`where:`, `severity:`…) are taken out of the whole as config — a `where` written under
    // `arguments:` filters the test (cal-itp/data-infra), it is not passed to the test's macro.
    const flat = isMapping(body.arguments) ? { ...body, ...body.arguments } : body;
    for (const [k, v] of Object.entries(flat)) {
      if (k === 'config' || k === 'arguments' || k === 'name' || k === 'description') continue;
      // Config keys written right under the test (`where:`, `severity:`) render as under `config:`;
      // one that renders to None is not set (dbt's TestBuilder: `if value is not None`).
      if (TEST_CONFIG_KEYS.has(k)) {
        // dbt's SameKeyNestedError.
        if (v && isMapping(body.config) && body.config[k] !== undefined)
          fail([...path, fullName, k], `Test cannot have the same key at the top-level and in config ('${k}')`, `Keep '${k}' in one place: under the test's config: (dbt 1.10's form) or beside its arguments.`);
        const value = rendering(() => renderConfigValues(v, render, k));
        if (value !== null && value !== undefined) config[k] = value;
      } else kwargs[k] = v;
    }
    if (columnName !== undefined) kwargs.column_name = columnName;
    return {
      testName,
      namespace,
      kwargs,
      config,
      customName: typeof body.name === 'string' ? body.name : undefined,
      columnName,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      file,
      line,
      exactLine: () => yaml.lineOf(path),
    };
  };

  const parseTests = (v: unknown, path: Path, line: number, columnName?: string): TestDeclaration[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return fail(path, `'${path[path.length - 1]}' must be a list of tests`);
    return v.map((t, i) => parseTest(t, [...path, i], line, columnName));
  };

  const parseColumns = (v: unknown, path: Path, resourceLine: number, skip?: (c: unknown) => boolean): { columns: Record<string, ColumnInfo>; tests: TestDeclaration[]; testsByColumn: Map<string, TestDeclaration[]> } => {
    const columns: Record<string, ColumnInfo> = {};
    const tests: TestDeclaration[] = [];
    const testsByColumn = new Map<string, TestDeclaration[]>();
    if (v === undefined || v === null) return { columns, tests, testsByColumn };
    if (!Array.isArray(v)) return fail(path, `'columns' must be a list`);
    v.forEach((c, i) => {
      if (skip?.(c)) return;
      if (!isMapping(c) || typeof c.name !== 'string') fail([...path, i], `Each column needs a 'name'`);
      const col = c as Record<string, unknown>;
      const name = String(col.name);
      const constraints = parseConstraints(col.constraints, [...path, i, 'constraints'], fail, `column '${name}'`);
      columns[name] = {
        name,
        description: str(col.description),
        // dbt renders the properties YAML: `data_type: "{{ 'UInt8' if target.type == 'clickhouse' else 'int' }}"`.
        dataType: typeof col.data_type === 'string' ? (/\{[{%]/.test(col.data_type) ? render(col.data_type).trim() : col.data_type) : undefined,
        ...(typeof col.codec === 'string' && col.codec.trim() ? { codec: col.codec } : {}),
        ...(typeof col.quote === 'boolean' ? { quote: col.quote } : {}),
        ...(typeof col.ttl === 'string' && col.ttl.trim() ? { ttl: col.ttl } : {}),
        // dbt 1.10: a column's `config:` holds tags and meta too (merged with the top-level keys).
        meta: { ...(isMapping(col.meta) ? col.meta : {}), ...(isMapping(col.config) && isMapping(col.config.meta) ? col.config.meta : {}) },
        tags: [...new Set([...tagList(col.tags), ...(isMapping(col.config) ? tagList(col.config.tags) : [])])],
        ...(constraints?.length ? { constraints } : {}),
      };
      const line = yaml.nameLine(name, resourceLine) || resourceLine;
      const colTests = parseTests(col.data_tests ?? col.tests, [...path, i, col.data_tests ? 'data_tests' : 'tests'], line, name);
      // dbt: the tests of a column carry the column's tags.
      const colTags = columns[name]!.tags;
      const tagged = colTags.length ? colTests.map((t) => ({ ...t, config: { ...t.config, tags: [...colTags, ...tagList(t.config.tags)] } })) : colTests;
      tests.push(...tagged);
      testsByColumn.set(name, tagged);
    });
    return { columns, tests, testsByColumn };
  };

  const parseResourceParts = (entry: unknown, path: Path, after = 0): ModelEntryParts => {
    if (!isMapping(entry) || typeof entry.name !== 'string') return fail(path, `Each entry needs a 'name'`);
    // dbt's normalize_attribute: these properties may be written beside `config:` or in it, not both.
    for (const key of ['meta', 'docs', 'group', 'contract', 'access'])
      if (key in entry && isMapping(entry.config) && key in entry.config)
        fail([...path, key], `'${entry.name}': found ${key} dictionary in 'config' dictionary and as top-level key`, `Remove the top-level '${key}' and define it under 'config:' only.`);
    const line = yaml.nameLine(entry.name, after) || 1;
    const { columns, tests, testsByColumn } = parseColumns(entry.columns, [...path, 'columns'], line);
    const modelTests = parseTests(entry.data_tests ?? entry.tests, [...path, entry.data_tests ? 'data_tests' : 'tests'], line);
    return {
      patch: {
        name: entry.name,
        file,
        line,
        description: str(entry.description),
        // dbt 1.5: `access:` and `group:` are properties of the model entry as well as configs.
        config: { ...entryConfigProperties(entry), ...parseConfig(entry.config, [...path, 'config']) },
        rawConfig: { ...entryConfigProperties(entry), ...(isMapping(entry.config) ? entry.config : {}) },
        columns,
        tests: [...modelTests, ...tests],
      },
      modelTests,
      columnTests: testsByColumn,
    };
  };
  const parseResource = (entry: unknown, path: Path, after = 0): ResourcePatch => parseResourceParts(entry, path, after).patch;

  /** A `models:` entry: a resource, plus dbt's model-only properties (constraints, versions). */
  const parseModel = (entry: unknown, path: Path): ResourcePatch => {
    const parts = parseResourceParts(entry, path);
    const m = entry as Record<string, unknown>;
    const constraints = parseConstraints(m.constraints, [...path, 'constraints'], fail, `model '${parts.patch.name}'`);
    const deprecationDate = m.deprecation_date === undefined || m.deprecation_date === null ? undefined : m.deprecation_date instanceof Date ? m.deprecation_date.toISOString() : String(m.deprecation_date);
    const timeSpine = isMapping(m.time_spine) ? m.time_spine : undefined;
    const model: ResourcePatch = { ...parts.patch, ...(constraints ? { constraints } : {}), ...(deprecationDate ? { deprecationDate } : {}), ...(timeSpine ? { timeSpine } : {}) };
    if (m.versions === undefined || m.versions === null) {
      if (m.latest_version !== undefined && m.latest_version !== null) fail([...path, 'latest_version'], `Model '${model.name}' sets latest_version but has no versions`, "List the model's versions under 'versions:' (e.g. versions: [{v: 1}, {v: 2}]).");
      return model;
    }
    const versions = parseVersions({ ...parts, patch: model }, m, path, {
      yaml,
      fail,
      parseColumns: (v, p, l) => parseColumns(v, p, l, isIncludeExclude),
      parseTests,
      parseConfig,
      mergeConfig: (base, layer) => mergeConfig(base, layer),
    });
    return { ...model, versions: versions.versions, latestVersion: versions.latest };
  };

  const list = (key: string): unknown[] => {
    const v = data[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return fail([key], `'${key}' is not a list`); // dbt's words
    return v;
  };

  const sources: SourceTableDeclaration[] = [];
  const sourceOverrides: SourceOverride[] = [];
  list('sources').forEach((src, si) => {
    if (!isMapping(src) || typeof src.name !== 'string') fail(['sources', si], `Each source needs a 'name'`);
    // `overrides: <package>` patches that package's source (source-overrides.ts), declaring none here.
    if (typeof (src as Record<string, unknown>).overrides === 'string') return void sourceOverrides.push({ entry: src as Record<string, unknown>, file });
    const s = src as Record<string, unknown>;
    // dbt's UnparsedSourceDefinition: `tables` defaults to an empty list (a source declared before its tables).
    const tables = s.tables ?? [];
    if (!Array.isArray(tables)) fail(['sources', si, 'tables'], `Source '${String(s.name)}' needs a list of 'tables'`);
    (tables as unknown[]).forEach((t, ti) => {
      const path: Path = ['sources', si, 'tables', ti];
      const patch = parseResource(t, path, yaml.nameLine(String(s.name)));
      const table = t as Record<string, unknown>;
      const external = isMapping(table.external) ? table.external : undefined;
      sources.push({
        ...patch,
        sourceName: String(s.name),
        sourceDescription: str(s.description),
        // dbt: a source's schema defaults to the source's name (a ClickHouse database here).
        schema: render(String(s.schema ?? s.database ?? s.name)),
        identifier: render(String(table.identifier ?? patch.name)),
        loader: str(s.loader),
        external: external && typeof external.location === 'string'
          ? { location: external.location, format: typeof external.format === 'string' ? external.format : undefined, options: isMapping(external.options) ? external.options : undefined }
          : undefined,
        ...resolveSourceFreshness(s, table, { source: ['sources', si], table: path }, fail, render),
        config: {
          ...(isMapping(s.config) ? (renderConfigValues(s.config, render) as Record<string, unknown>) : {}),
          ...patch.config,
          // `tags:` on the source and on the table, as dbt reads them, besides config tags.
          tags: [...tagList(s.tags), ...tagList(table.tags), ...tagList(isMapping(s.config) ? s.config.tags : undefined), ...tagList(patch.config.tags)],
        },
      });
    });
  });

  const macros = list('macros').map((m, i): MacroPatch => {
    if (!isMapping(m) || typeof m.name !== 'string') return fail(['macros', i], "Each macro entry needs a 'name'");
    const args = m.arguments === undefined || m.arguments === null ? [] : m.arguments;
    if (!Array.isArray(args)) return fail(['macros', i, 'arguments'], `Macro '${m.name}': 'arguments' must be a list of {name, type, description}`);
    return {
      name: m.name,
      file,
      line: yaml.lineOf(['macros', i]),
      description: str(m.description),
      arguments: args.map((a, ai) => {
        if (!isMapping(a) || typeof a.name !== 'string') return fail(['macros', i, 'arguments', ai], `Macro '${m.name}': each argument needs a 'name'`);
        return { name: a.name, ...(typeof a.type === 'string' ? { type: a.type } : {}), description: str(a.description) };
      }),
      meta: isMapping(m.meta) ? m.meta : {},
      showDocs: !(isMapping(m.docs) && m.docs.show === false),
    };
  });

  // dbt's SingularTestPatchParser: a section it cannot parse is a warning (the tests stand unpatched).
  const notes: string[] = [];
  let singularTests: ResourcePatch[] = [];
  const dataTests = data.data_tests;
  if (dataTests !== undefined && dataTests !== null) {
    const bad = !Array.isArray(dataTests) ? `'data_tests' is not a list` : dataTests.some((t) => !isMapping(t) || typeof t.name !== 'string') ? 'Entry did not contain a name' : undefined;
    if (bad) notes.push(`Unable to parse 'data_tests' section of file '${file}'\n${bad}`);
    else singularTests = (dataTests as unknown[]).map((t, i) => parseResource(t, ['data_tests', i]));
  }

  return {
    macros,
    singularTests,
    analyses: list('analyses').map((m, i) => parseResource(m, ['analyses', i])),
    functions: list('functions').map((m, i) => parseFunctionEntry(parseResource(m, ['functions', i]), m, ['functions', i], fail)),
    notes,
    sourceOverrides,
    models: list('models').map((m, i) => parseModel(m, ['models', i])),
    seeds: list('seeds').map((m, i) => parseResource(m, ['seeds', i])),
    snapshots: list('snapshots').map((m, i) => {
      const patch = parseResource(m, ['snapshots', i]);
      const relation = (m as Record<string, unknown>).relation;
      if (relation !== undefined && typeof relation !== 'string')
        fail(['snapshots', i, 'relation'], `Snapshot '${patch.name}': 'relation' must be a string such as "ref('orders')" or "source('shop', 'orders')"`);
      return relation === undefined ? patch : { ...patch, relation: relation as string };
    }),
    sources,
    unitTests: parseUnitTests(yaml, (v, k) => renderConfigValues(v, render, k)),
    ...parseSemanticSections(yaml),
  };
}

/** A version's `columns:` entry that selects the model's columns (`- include: all` / `exclude: [...]`) rather than declaring one. */
function isIncludeExclude(c: unknown): boolean {
  return isMapping(c) && c.name === undefined && ('include' in c || 'exclude' in c);
}

/** The entry's `access:` / `group:` properties, which dbt also reads as configs. */
function entryConfigProperties(entry: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['access', 'group'] as const) if (typeof entry[key] === 'string') out[key] = entry[key] as string;
  return out;
}

function tagList(v: unknown): string[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
