import { basename, extname, join } from 'node:path';
import type { ManifestNode, ModelNode, UnitTestInput, UnitTestNode, UnitTestRows } from '../manifest/nodes.js';
import { lookupRef, lookupSource, nodeLookup, type NodeLookup } from '../manifest/node-lookup.js';
import { parseCsvRecords } from '../shared/csv-records.js';
import { ProjectError } from '../shared/errors.js';
import { readProjectText } from '../shared/text-file.js';
import { discoverFiles } from './discover-files.js';
import { fqnOf, projectConfigLayers } from './load-nodes.js';
import { mergeConfig } from './node-config.js';
import type { ProjectRoot } from './project-roots.js';
import { rootRelative } from './project-roots.js';
import type { SchemaFile } from './load-nodes.js';
import type { FixtureDeclaration, GivenDeclaration, UnitTestDeclaration } from './unit-test-yaml.js';

/** A `given:` input as written: `ref('m')`, `ref('pkg', 'm', v=2)`, `source('s', 't')` or `this` (dbt reads it statically). */
type InputCall = { kind: 'this' } | { kind: 'ref'; package?: string; name: string; version?: string } | { kind: 'source'; source: string; table: string };

const REF = /^ref\(\s*(['"])(.*?)\1\s*(?:,\s*(['"])(.*?)\3\s*)?(?:,\s*(?:v|version)\s*=\s*(['"]?)([^'",)\s]+)\5\s*)?\)$/;
const SOURCE = /^source\(\s*(['"])(.*?)\1\s*,\s*(['"])(.*?)\3\s*\)$/;

export function parseInputCall(input: string): InputCall | undefined {
  const text = input.trim().replace(/^\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
  if (text === 'this') return { kind: 'this' };
  const ref = REF.exec(text);
  if (ref) {
    const version = ref[6] !== undefined ? { version: ref[6] } : {};
    return ref[4] !== undefined ? { kind: 'ref', package: ref[2]!, name: ref[4], ...version } : { kind: 'ref', name: ref[2]!, ...version };
  }
  const source = SOURCE.exec(text);
  return source ? { kind: 'source', source: source[2]!, table: source[4]! } : undefined;
}

/** dbt's fixture files: `<test-path>/fixtures/**` `.csv` and `.sql`, found by file name. */
function fixtureFiles(root: ProjectRoot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of root.projectFile.testPaths)
    for (const f of discoverFiles(root.dir, join(p, 'fixtures'), ['.csv', '.sql'])) {
      const name = basename(f, extname(f));
      out.set(name, [...(out.get(name) ?? []), f]);
    }
  return out;
}

/**
 * The fixture files by name; two files of one name (in two folders, or a .csv and a .sql) are
 * dbt's DuplicateResourceNameError: fixtures are resources `fixture.<package>.<name>`.
 */
function uniqueFixtureFiles(root: ProjectRoot): Map<string, string[]> {
  const files = fixtureFiles(root);
  for (const [name, paths] of files)
    if (paths.length > 1) {
      const listed = paths.map((f) => `- fixture.${root.projectFile.name}.${name} (${rootRelative(root, f)})`).join('\n');
      throw new ProjectError('unit_test_fixture', `dbt found two fixtures with the name "${name}".\n\nSince these resources have the same name, dbt will be unable to find the correct resource when looking for fixture "${name}".\n\nTo fix this, change the name of one of these resources:\n${listed}`, {
        file: rootRelative(root, paths[1]!),
        hint: 'Rename one of the fixture files: unit tests find a fixture by its file name alone.',
      });
    }
  return files;
}

/** CSV text as rows of text values keyed by the header; empty cells are NULL (dbt: "should default to null, not ''"). */
function csvRows(text: string, file: string, line: number, emptyIsNull = true): Record<string, unknown>[] {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  if (records.length === 0) return [];
  const header = records[0]!.fields.map((h) => h.trim());
  return records.slice(1).map((r) => {
    if (r.fields.length !== header.length)
      throw new ProjectError('unit_test_fixture', `A CSV fixture row has ${r.fields.length} values for ${header.length} columns (${header.join(', ')})`, { file, line: line + r.line - 1, hint: 'Give every row one value per header column (an empty value is NULL).' });
    return Object.fromEntries(header.map((h, i) => [h, emptyIsNull && r.fields[i] === '' ? null : r.fields[i]]));
  });
}

interface UnitTestLoadContext {
  readonly root: ProjectRoot;
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  readonly schemaFiles: readonly SchemaFile[];
  /** Names of the root's model files that did not load (disabled): their unit tests are disabled too, as in dbt. */
  readonly disabledModels: ReadonlySet<string>;
  /** The load's lookup of `nodes` (one per load, shared with the stages after this one), else built here. */
  readonly lookup?: () => NodeLookup;
}

/** The unit test nodes of one project root (dbt's UnitTestParser + process_models_for_unit_test). */
export function loadUnitTests(ctx: UnitTestLoadContext): UnitTestNode[] {
  const { root } = ctx;
  const pkg = root.projectFile.name;
  if (!ctx.schemaFiles.some((s) => s.contents.unitTests.length > 0)) return [];
  const lookup = ctx.lookup?.() ?? nodeLookup(ctx.nodes.values());
  let fixtures: Map<string, string[]> | undefined;
  const out: UnitTestNode[] = [];
  for (const schema of ctx.schemaFiles)
    for (const decl of schema.contents.unitTests) {
      const fail = (message: string, line = decl.line, hint?: string): never => {
        throw new ProjectError('unit_test', message, { file: decl.file, line, hint });
      };
      const [modelName, modelVersion] = decl.model.split(/\s+/);
      const tested = lookupRef(lookup, modelName!, pkg, pkg, pkg, modelVersion);
      // dbt's config order: dbt_project.yml's unit_tests: tree, then the test's own config (a package's
      // tests then take the root project's tree for the package last).
      const fqnBase = [...fqnOf(pkg, root.projectFile.modelPaths, schema.rel).slice(0, -1), modelName!, decl.name];
      const layers = projectConfigLayers(root, 'unit_tests', fqnBase);
      const merged = [decl.config, ...layers.rootOverride].reduce<Record<string, unknown>>((acc, layer) => mergeConfig(acc, layer), mergeConfig({}, layers.own));
      const enabled = merged.enabled !== false;
      if (!tested || tested.resourceType !== 'model') {
        if (ctx.disabledModels.has(modelName!) || !enabled) continue; // dbt: the unit test of a disabled model is disabled
        fail(`Unable to find model '${pkg}.${decl.model}' for unit test '${decl.name}' in ${decl.file}`, decl.line, 'Check the model name (its file name without .sql) under model:.');
      }
      if (!enabled) continue;
      const model = tested as ModelNode;
      // dbt: a unit test of a versioned model runs on every version (or those of versions: include/exclude).
      let targets: ModelNode[] = [model];
      if (model.version === undefined) {
        if (decl.versions?.include?.length || decl.versions?.exclude?.length)
          fail(`Unit test '${decl.name}' should not have a versions include or exclude when referencing non-versioned model '${model.name}'`);
      } else if (modelVersion === undefined) {
        const all = [...ctx.nodes.values()].filter((n): n is ModelNode => n.resourceType === 'model' && n.name === model.name && n.packageName === model.packageName && n.version !== undefined);
        const { include, exclude } = decl.versions ?? {};
        targets = all.filter((n) => (exclude?.length ? !exclude.includes(n.version!) : include?.length ? include.includes(n.version!) : true));
        if (targets.length === 0) fail(`Unit test '${decl.name}' referenced a version of '${model.name}' which was not found.`);
      }
      for (const target of targets) {
        let inputError: UnitTestNode['inputError'];
        const inputs = decl.given.map((g) => givenInput(g, target));
        const given = inputs.flatMap((input) => {
          if ('error' in input) inputError ??= input.error;
          return 'error' in input ? [] : [input];
        });
        // dbt's manifest lists every input as written, the unresolved one too.
        const givenAsWritten = inputError ? inputs.map((i) => ('error' in i ? i.asWritten : i)) : undefined;
        checkIncremental(decl, target, given, fail);
        const suffix = targets.length > 1 || (target.version !== undefined && modelVersion === undefined) ? `_v${target.version}` : '';
        const fqn = [...fqnBase.slice(0, -1), decl.name + suffix];
        const config = { ...omit(merged, ['tags', 'meta', 'enabled']), enabled: true, materialized: 'unit', tags: tagList(merged.tags), meta: (merged.meta as Record<string, unknown>) ?? {} };
        out.push({
          uniqueId: `unit_test.${pkg}.${modelName}.${decl.name}${suffix}`,
          resourceType: 'unit_test',
          name: decl.name + suffix,
          packageName: pkg,
          fqn,
          originalFilePath: decl.file,
          line: decl.line,
          description: decl.description,
          config,
          tags: config.tags,
          columns: {},
          dependsOn: [target.uniqueId],
          macrosUsed: [],
          relation: target.relation,
          model: modelName!,
          testedNode: target.uniqueId,
          given,
          expect: rows(decl.expect, 'expected'),
          overrides: decl.overrides,
          ...(target.version !== undefined ? { version: target.version } : {}),
          ...(inputError ? { inputError, givenAsWritten } : {}),
        });
      }

      /** The input, or dbt's error for an input it resolves only when the test runs (parse-time checks still fail the load). */
      function givenInput(g: GivenDeclaration, target: ModelNode): UnitTestInput | { error: NonNullable<UnitTestNode['inputError']>; asWritten: UnitTestRows & { input: string } } {
        const call = parseInputCall(g.input);
        if (!call) {
          const asWritten = { input: g.input, ...rows(g, `input ${g.input}`) }; // its fixture is read at parse, as dbt's
          return { asWritten, error: { message: `Unit test given inputs must be either a 'ref', 'source' or 'this' call. Got: '${g.input}'.`, line: g.line, hint: "Write the input as the model calls it: ref('m'), source('s', 't') or this." } };
        }
        const node =
          call.kind === 'this' ? target
          : call.kind === 'ref' ? lookupRef(lookup, call.name, call.package, pkg, pkg, call.version)
          : lookupSource(lookup, call.source, call.table, pkg, pkg);
        const seedRowsWanted = g.format === 'dict' && g.rows === undefined && g.fixture === undefined;
        if (seedRowsWanted && call.kind === 'ref' && node?.resourceType !== 'seed')
          fail(
            call.package && call.package !== pkg ? `Unable to find seed '${call.package}.${call.name}' for unit tests in '${call.package}' package` : `Unable to find seed '${pkg}.${call.name}' for unit tests in directories: [${root.projectFile.seedPaths.map((p) => `'${p}'`).join(', ')}]`,
            g.line,
            "Give the input's rows ('rows: []' for none); only a seed's rows can be left out (they are read from its CSV file).",
          );
        if (!node) {
          const asWritten = { input: g.input, ...rows(g, `input ${g.input}`) };
          return { asWritten, error: { message: `Unit test '${decl.name}' had an input (${g.input}) which was not found in the manifest.`, line: g.line, hint: 'Name a model, seed, snapshot or source of the project, as the model calls it.' } };
        }
        // dbt: a dict input with neither rows nor a fixture is a seed, read from its CSV file.
        const fixture: FixtureDeclaration = seedRowsWanted ? seedRows(g, node) : g;
        return { input: g.input, nodeId: node.uniqueId, isThis: call.kind === 'this', ...rows(fixture, `input ${g.input}`) };
      }

      function seedRows(g: GivenDeclaration, node: ManifestNode): FixtureDeclaration {
        if (node.resourceType !== 'seed')
          return fail(`Unit test '${decl.name}': input ${g.input} has no rows and is not a seed`, g.line, "Give its rows ('rows: []' for none); only a seed's rows can be left out (they are read from its CSV file).");
        const text = readProjectText(node.seedFile, node.originalFilePath);
        return { format: 'dict', rows: csvRows(text, node.originalFilePath, 1, false), line: g.line };
      }

      function rows(f: FixtureDeclaration, what: string): UnitTestRows {
        if (f.format === 'dict') return { format: 'dict', rows: (f.rows as Record<string, unknown>[]) ?? [] };
        let text = typeof f.rows === 'string' ? f.rows : '';
        let fixtureFile: string | undefined;
        let line = f.line;
        if (f.fixture !== undefined) {
          fixtures ??= uniqueFixtureFiles(root);
          const ext = f.format === 'csv' ? '.csv' : '.sql';
          const file = (fixtures.get(f.fixture) ?? []).find((p) => p.endsWith(ext));
          if (!file)
            fail(`File not found for fixture '${f.fixture}' in unit tests in ${decl.file}`, f.line, `Put ${f.fixture}${ext} under ${root.projectFile.testPaths.map((p) => `${p}/fixtures/`).join(' or ')} (${what} has format ${f.format}).`);
          fixtureFile = rootRelative(root, file!);
          text = readProjectText(join(root.dir, file!), fixtureFile);
          line = 1;
        }
        const where = fixtureFile ? { fixtureFile } : {};
        if (f.format === 'sql') return { format: 'sql', sql: text, ...where };
        return { format: 'csv', rows: csvRows(text, fixtureFile ?? decl.file, fixtureFile ? line : line + 1), ...where };
      }
    }
  return out;
}

/**
 * dbt's rules for incremental models: a unit test must say which mode it tests (a boolean
 * `is_incremental` override), and in incremental mode give `this` (the existing table).
 */
function checkIncremental(decl: UnitTestDeclaration, model: ModelNode, given: readonly UnitTestInput[], fail: (message: string) => never): void {
  if (!/\bis_incremental\s*\(/.test(model.rawCode)) return;
  const mode = decl.overrides.macros.is_incremental;
  if (typeof mode !== 'boolean') fail(`Boolean override for 'is_incremental' must be provided for unit test '${decl.name}' in model '${model.name}'`);
  if (mode === true && !given.some((g) => g.isThis)) fail(`Unit test '${decl.name}' for incremental model '${model.name}' must have a 'this' input`);
}

function tagList(v: unknown): string[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

function omit(o: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
