import type { FixtureFormat, UnitTestOverrides } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import type { YamlFile } from '../shared/yaml-file.js';
import { isMapping, noteConfigKey } from './node-config.js';

/** Rows of a `given:` or `expect:` entry as written (dbt's UnitTestInputFixture / UnitTestOutputFixture). */
export interface FixtureDeclaration {
  readonly format: FixtureFormat;
  /** dict: a list of mappings; csv/sql: text; undefined when `fixture:` names a file (or a seed is read). */
  readonly rows?: unknown;
  /** `fixture: name`: tests/fixtures/name.csv|.sql. */
  readonly fixture?: string;
  readonly line: number;
}

export interface GivenDeclaration extends FixtureDeclaration {
  /** `ref('x')`, `source('s', 't')` or `this`. */
  readonly input: string;
}

/** One `unit_tests:` entry of a schema file. */
export interface UnitTestDeclaration {
  readonly name: string;
  /** `model:` as written (`my_model`, or `my_model v2` as dbt accepts). */
  readonly model: string;
  readonly description: string;
  readonly file: string;
  readonly line: number;
  readonly given: readonly GivenDeclaration[];
  readonly expect: FixtureDeclaration;
  readonly overrides: UnitTestOverrides;
  readonly config: Readonly<Record<string, unknown>>;
  /** Versioned models: which versions to test (`versions: {include: [..]}` / `{exclude: [..]}`). */
  readonly versions?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
}

type Path = (string | number)[];
const FORMATS: readonly FixtureFormat[] = ['dict', 'csv', 'sql'];
const HINT = "A unit test is '- name: …', 'model: …', 'given: [{input: ref(…), rows: […]}]' and 'expect: {rows: […]}' (dbt 1.8 unit_tests).";

/** Reads the `unit_tests:` list of a schema file (dbt's UnparsedUnitTest), checking its shape. */
export function parseUnitTests(yaml: YamlFile, render: (value: unknown, key: string) => unknown): UnitTestDeclaration[] {
  const file = yaml.file;
  const fail = (path: Path, message: string, hint = HINT): never => {
    throw new ProjectError('unit_test_yaml', message, { file, line: yaml.lineOf(path), hint });
  };
  const list = yaml.data && isMapping(yaml.data) ? yaml.data.unit_tests : undefined;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return fail(['unit_tests'], "'unit_tests' must be a list");
  return list.map((entry, i) => {
    const path: Path = ['unit_tests', i];
    if (!isMapping(entry) || typeof entry.name !== 'string' || !entry.name) return fail(path, 'Each unit test needs a name');
    const name = entry.name;
    const line = yaml.lineOf([...path, 'name']);
    if (typeof entry.model !== 'string' || !entry.model.trim()) return fail(path, `Unit test '${name}' needs 'model:', the model it tests`);
    if (!Array.isArray(entry.given)) return fail([...path, 'given'], `Unit test '${name}' needs 'given:', a list of inputs (use 'given: []' for a model that reads none)`);
    if (!isMapping(entry.expect)) return fail([...path, 'expect'], `Unit test '${name}' needs 'expect:' with the rows the model should return`);
    const fixture = (v: Record<string, unknown>, p: Path, what: string): FixtureDeclaration => {
      const format = v.format === undefined || v.format === null ? 'dict' : String(v.format);
      if (!(FORMATS as readonly string[]).includes(format)) return fail([...p, 'format'], `Unit test '${name}': ${what} has format '${format}'; the formats are dict, csv and sql`);
      if (v.fixture !== undefined && v.fixture !== null && typeof v.fixture !== 'string') return fail([...p, 'fixture'], `Unit test '${name}': ${what}'s 'fixture' must be a file name`);
      const fixtureName = typeof v.fixture === 'string' ? v.fixture : undefined;
      if (fixtureName !== undefined && format === 'dict')
        return fail([...p, 'fixture'], `Unit test '${name}': ${what} names fixture '${fixtureName}' but has format dict`, "A fixture file is read with 'format: csv' (a .csv file) or 'format: sql' (a .sql file).");
      if (format === 'dict' && v.rows !== undefined && v.rows !== null && !(Array.isArray(v.rows) && v.rows.every(isMapping)))
        return fail([...p, 'rows'], `Unit test ${name} has ${what} rows which do not match format dict`, "With format dict (the default), 'rows' is a list of mappings such as '- {id: 1, name: a}'.");
      if (format !== 'dict' && fixtureName === undefined && typeof v.rows !== 'string')
        return fail([...p, 'rows'], `Unit test ${name} has ${what} rows or fixtures which do not match format ${format}.  Expected string.`, `With format ${format}, write 'rows: |' followed by the ${format === 'csv' ? 'CSV text (a header line, then rows)' : 'SELECT'}, or 'fixture: <file name>'.`);
      return { format: format as FixtureFormat, ...(v.rows !== undefined && v.rows !== null ? { rows: v.rows } : {}), ...(fixtureName !== undefined ? { fixture: fixtureName } : {}), line: yaml.lineOf(p) };
    };
    const given = entry.given.map((g, gi): GivenDeclaration => {
      const p: Path = [...path, 'given', gi];
      if (!isMapping(g) || typeof g.input !== 'string' || !g.input.trim()) return fail(p, `Unit test '${name}': each given entry needs 'input:' (ref('…'), source('…', '…') or this)`);
      return { input: g.input.trim(), ...fixture(g, p, `input ${g.input.trim()}`) };
    });
    const expect = fixture(entry.expect, [...path, 'expect'], 'expected');
    if (expect.format === 'dict' && expect.rows === undefined) return fail([...path, 'expect'], `Unit test '${name}': expect needs 'rows' (use 'rows: []' for no rows)`);
    const overrides = entry.overrides === undefined || entry.overrides === null ? {} : entry.overrides;
    if (!isMapping(overrides)) return fail([...path, 'overrides'], `Unit test '${name}': 'overrides' must be a mapping of macros, vars and env_vars`);
    const section = (key: string): Record<string, unknown> => {
      const v = overrides[key];
      if (v === undefined || v === null) return {};
      return isMapping(v) ? { ...v } : fail([...path, 'overrides', key], `Unit test '${name}': overrides.${key} must be a mapping`);
    };
    const config = entry.config === undefined || entry.config === null ? {} : entry.config;
    if (!isMapping(config)) return fail([...path, 'config'], `Unit test '${name}': 'config' must be a mapping (tags, meta, enabled)`);
    for (const key of Object.keys(config)) noteConfigKey(key, () => ({ file, line: yaml.lineOf([...path, 'config', key]) }));
    const versions = entry.versions;
    const versionList = (v: unknown) => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(String));
    // dbt's UnparsedUnitTest.validate: a parse error, whatever the model.
    if (isMapping(versions) && versionList(versions.include)?.length && versionList(versions.exclude)?.length)
      return fail([...path, 'versions'], 'Unit tests can not both include and exclude versions.', `Keep one of versions: include or versions: exclude in unit test '${name}'.`);
    return {
      name,
      model: entry.model.trim(),
      description: typeof entry.description === 'string' ? entry.description : '',
      file,
      line,
      given,
      expect,
      overrides: { macros: section('macros'), vars: section('vars'), envVars: section('env_vars') },
      config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, render(v, k)])),
      ...(isMapping(versions) ? { versions: { include: versionList(versions.include), exclude: versionList(versions.exclude) } } : {}),
    };
  });
}
