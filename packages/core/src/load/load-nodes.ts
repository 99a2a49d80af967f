import { withSourceOverrides, type SourceOverride } from './source-overrides.js';
import { projectFreshness } from './source-freshness.js';
import { readdirSync, readFileSync } from 'node:fs';
import { readProjectText } from '../shared/text-file.js';
import { basename, dirname, extname, join, relative } from 'node:path';
import { customMaterializationNames, findMaterializationMacro } from '../render/materialization-macros.js';
import { DEFAULT_MODEL_CONFIG, DEFAULT_SEED_CONFIG, DEFAULT_TEST_CONFIG, KNOWN_MATERIALIZATIONS, hooksOf } from '../manifest/config.js';
import type { FreshnessThreshold, ModelNode, SeedNode, SourceNode, TestNode } from '../manifest/nodes.js';
import type { MacroFile, Renderer } from '../render/renderer.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError } from '../shared/errors.js';
import { parseYaml, readYamlFile } from '../shared/yaml-file.js';
import type { YamlPrefetch } from './yaml-prefetch.js';
import { discoverFiles, toPosix } from './discover-files.js';
import { folderConfigPath, lineOfText } from './locate.js';
import { assertOwnMaterialization, finalizeConfig, folderConfig, mergeLayers, type PartialConfig } from './node-config.js';
import { parseSqlNode, parseSqlNodes, precompile, type ParsedSql } from './parse-sql-node.js';
import type { RenderNodeInfo } from '../render/render-state.js';
import type { TargetConfig } from './profiles.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';
import { relationFor, testRelationFor } from './relation-names.js';
import { withMvTarget } from './mv-target.js';
import { addHookRelations, assertSeedHooksIndependent, mergeLiteral } from './runtime-relations.js';
import { parseSchemaFile, type ResourcePatch, type SchemaFileContents } from './schema-yaml.js';
import { isVersionPatch, type VersionPatch } from './model-versions.js';

/*
 * The nodes of one project root (the root project or an installed package). Paths found here are
 * relative to that root; nodes carry them relative to the root project (`dbt_packages/x/models/a.sql`),
 * which is where every later stage opens them. fqns start with the package's name.
 */

const IGNORED_ROOT_YAML = new Set(['project.yml', 'dbt_project.yml', 'profiles.yml', 'selectors.yml', 'packages.yml', 'dependencies.yml', 'package-lock.yml']);

/**
 * Config layers from project files for a node of `root` whose fqn is `fqn`: the package's own
 * `models:`/`seeds:`/`data_tests:` tree first; for an installed package the root project's tree
 * (keys under the package's name, and top-level `+` keys) is returned separately, because dbt
 * applies it last, over the node's own config() calls (context_config.py).
 */
export function projectConfigLayers(root: ProjectRoot, kind: 'models' | 'seeds' | 'snapshots' | 'data_tests' | 'unit_tests' | 'sources' | 'functions', fqn: readonly string[]): { own: PartialConfig; rootOverride: PartialConfig[]; unrendered: { own: PartialConfig; rootOverride: PartialConfig[] } } {
  const treeOf = (pf: ProjectRoot['projectFile']) =>
    kind === 'models' ? pf.modelsConfig : kind === 'seeds' ? pf.seedsConfig : kind === 'snapshots' ? pf.snapshotsConfig : kind === 'unit_tests' ? pf.unitTestsConfig : kind === 'sources' ? pf.sourcesConfig : kind === 'functions' ? pf.functionsConfig : pf.testsConfig;
  const pf = root.projectFile;
  const own = folderConfig(treeOf(pf), fqn, pf.file, pf.yaml.lineOf, [kind]);
  const rootOverride = root.root ? [folderConfig(treeOf(root.root), fqn, root.root.file, root.root.yaml.lineOf, [kind])] : [];
  // The same layers as written (Jinja not rendered), for dbt's unrendered_config (state:modified.configs).
  const raw = root.unrendered;
  const unrendered = raw
    ? { own: folderConfig(treeOf(raw.projectFile), fqn, pf.file, pf.yaml.lineOf, [kind]), rootOverride: raw.root ? [folderConfig(treeOf(raw.root), fqn, raw.root.file, raw.root.yaml.lineOf, [kind])] : [] }
    : { own, rootOverride };
  return { own, rootOverride, unrendered };
}

export function readMacroFiles(root: ProjectRoot): MacroFile[] {
  const pf = root.projectFile;
  const paths = [
    ...pf.macroPaths.flatMap((p) => discoverFiles(root.dir, p, ['.sql'])),
    // dbt also reads generic tests ({% test %} blocks) from tests/generic/.
    ...pf.testPaths.flatMap((p) => discoverFiles(root.dir, join(p, 'generic'), ['.sql'])),
  ];
  // Installed packages compile lazily: most of their macros are never called.
  return [...new Set(paths)].map((path) => ({ path: rootRelative(root, path), source: readProjectText(join(root.dir, path), rootRelative(root, path)), packageName: pf.name, lazy: root.relDir !== '' }));
}

export interface SchemaFile {
  /** Relative to the root project (errors, originalFilePath). */
  readonly file: string;
  /** Relative to its package (fqn). */
  readonly rel: string;
  readonly contents: SchemaFileContents;
  /** The YAML file's warnings (a key written twice). */
  readonly warnings?: readonly string[];
}

/** The folders of a project whose YAML files are schema files (dbt reads them from every resource path; macro paths hold `macros:` properties). */
export function schemaPaths(pf: ProjectRoot['projectFile']): string[] {
  return [...new Set([...pf.modelPaths, ...pf.seedPaths, ...pf.snapshotPaths, ...pf.macroPaths, ...pf.analysisPaths, ...pf.testPaths, ...pf.functionPaths])];
}

/** A root YAML file's text for the `version:` check (not yet known to be a schema file: never an error). */
function candidateText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** The schema YAML files of `root` (relative to it), in the order they are read. */
export function schemaFilesOf(root: ProjectRoot): string[] {
  const inPaths = schemaPaths(root.projectFile).flatMap((p) => discoverFiles(root.dir, p, ['.yml', '.yaml']));
  const atRoot = readdirSync(root.dir)
    .filter((f) => (f.endsWith('.yml') || f.endsWith('.yaml')) && !IGNORED_ROOT_YAML.has(f))
    .filter((f) => /^version\s*:/m.test(candidateText(join(root.dir, f))));
  return [...new Set([...atRoot, ...inPaths])];
}

/** `rels` (schemaFilesOf) read and parsed; `prefetch`: those a worker thread parsed already (yaml-prefetch.ts). */
/** `overrides`: the root project's `overrides: <this package>` source entries, by source name. */
export function readSchemaFiles(root: ProjectRoot, render: (text: string, file: string) => string, rels = schemaFilesOf(root), prefetch?: YamlPrefetch, overrides?: ReadonlyMap<string, SourceOverride>): SchemaFile[] {
  return rels.map((rel) => {
    const file = rootRelative(root, rel);
    const parsed = prefetch?.take(join(root.dir, rel));
    const yaml = withSourceOverrides(parsed ? parseYaml(parsed.text, file, parsed) : readYamlFile(join(root.dir, rel), file), overrides);
    return { file, rel, contents: parseSchemaFile(yaml, (text) => render(text, file)), warnings: yaml.warnings };
  });
}

export function collectPatches<K extends 'models' | 'seeds' | 'snapshots' | 'singularTests' | 'analyses' | 'functions'>(files: readonly SchemaFile[], kind: K): Map<string, SchemaFileContents[K][number]> {
  const out = new Map<string, SchemaFileContents[K][number]>();
  for (const f of files)
    for (const patch of f.contents[kind]) {
      const previous = out.get(patch.name);
      if (previous)
        throw new ProjectError('duplicate_patch', `${{ models: 'Model', seeds: 'Seed', snapshots: 'Snapshot', singularTests: 'Singular test', analyses: 'Analysis', functions: 'Function' }[kind]} '${patch.name}' is described twice: ${previous.file}:${previous.line} and ${patch.file}:${patch.line}`, {
          file: patch.file,
          line: patch.line,
          hint: 'Keep one YAML entry per resource.',
        });
      out.set(patch.name, patch);
    }
  return out;
}

/** fqn of a file under one of `roots`: project, folders, file name without extension. */
export function fqnOf(projectName: string, roots: readonly string[], path: string): string[] {
  let rel = path;
  for (const r of roots) {
    const prefix = folderPrefix(r);
    if (path.startsWith(prefix)) {
      rel = path.slice(prefix.length);
      break;
    }
  }
  const parts = rel.split('/');
  parts[parts.length - 1] = basename(parts[parts.length - 1]!, extname(parts[parts.length - 1]!));
  return [projectName, ...parts];
}

/** A resource path as the prefix of the files under it (POSIX, one trailing slash). */
function folderPrefix(root: string): string {
  const posix = toPosix(root);
  return posix.endsWith('/') ? posix : `${posix}/`;
}

/** Every Python model file of `root` (relative to it): dbt's models/*.py. */
export function pythonModelFiles(root: ProjectRoot): string[] {
  return root.projectFile.modelPaths.flatMap((p) => discoverFiles(root.dir, p, ['.py']));
}

/** Every (SQL) model file of `root` (relative to it). */
export function modelFiles(root: ProjectRoot): string[] {
  return root.projectFile.modelPaths.flatMap((p) => discoverFiles(root.dir, p, ['.sql']));
}

/** Model files' texts read elsewhere (a worker thread: yaml-prefetch.ts), by index in the root's list; undefined: read it here. */
export type ReadModelText = (index: number) => string | undefined;

/**
 * Reads model files of `root` ahead into `files.texts` (by rel) and compiles their templates
 * (precompile) until `enough()`; false when it stopped early. A file that cannot be read stops it:
 * its turn in loadModels reports the error.
 */
export function readModelFilesAhead(root: ProjectRoot, renderer: Renderer, files: { readonly models: readonly string[]; readonly texts: Map<string, string> }, enough: () => boolean, readElsewhere?: ReadModelText): boolean {
  for (let k = 0; k < files.models.length; k++) {
    const rel = files.models[k]!;
    if (enough()) return false;
    let text: string;
    try {
      text = readElsewhere?.(k) ?? readProjectText(join(root.dir, rel), rootRelative(root, rel));
    } catch {
      return false;
    }
    files.texts.set(rel, text);
    precompile(renderer, rootRelative(root, rel), text);
  }
  return true;
}

/** What a model file's parse needs, read before any file is parsed (parseSqlNodes shares the renders). */
export interface PreparedModel {
  readonly rel: string;
  readonly patch: ResourcePatch | undefined;
  readonly versioned: VersionPatch | undefined;
  readonly baseLayers: PartialConfig[];
  readonly rootOverride: PartialConfig[];
  readonly unrenderedLayers: { readonly base: PartialConfig[]; readonly rootOverride: PartialConfig[] };
  readonly rawCode: string;
  readonly info: RenderNodeInfo;
}

export function prepareModel(root: ProjectRoot, patches: ReadonlyMap<string, ResourcePatch>, rel: string, index: number, texts?: ModelTexts): PreparedModel {
  const pf = root.projectFile;
  const path = rootRelative(root, rel);
  const fileFqn = fqnOf(pf.name, pf.modelPaths, rel);
  const patch = patches.get(fileFqn[fileFqn.length - 1]!);
  // A model version's file: named after the model, its fqn ending in the version (dbt's ModelPatchParser).
  const versioned = isVersionPatch(patch) ? patch : undefined;
  const fqn = versioned ? [...fileFqn.slice(0, -1), versioned.name, `v${versioned.v}`] : fileFqn;
  const name = versioned ? versioned.name : fqn[fqn.length - 1]!;
  const { own, rootOverride, unrendered } = projectConfigLayers(root, 'models', fqn);
  const baseLayers = [own, patch?.config ?? {}];
  const unrenderedLayers = { base: [unrendered.own, patch?.rawConfig ?? patch?.config ?? {}], rootOverride: unrendered.rootOverride };
  const baseConfig = finalizeConfig(DEFAULT_MODEL_CONFIG, [...baseLayers, ...rootOverride], patch?.file ?? path);
  const rawCode = texts?.get(rel, index) ?? readProjectText(join(root.dir, rel), path);
  const uniqueId = versioned ? `model.${pf.name}.${name}.v${versioned.v}` : `model.${pf.name}.${name}`;
  const info: RenderNodeInfo = {
    uniqueId, name, resourceType: 'model', packageName: pf.name, originalFilePath: path, fqn, baseConfig,
    ...(versioned ? { version: versioned.v, latestVersion: versioned.latestVersion } : {}),
  };
  return { rel, patch, versioned, baseLayers, rootOverride, unrenderedLayers, rawCode, info };
}

/** Model files' texts already read (ahead, or by a worker thread), by path relative to their root (and index in `files`). */
export interface ModelTexts {
  get(rel: string, index: number): string | undefined;
}

/**
 * The model nodes of `files` (paths relative to `root`; default: every .sql file under its model
 * paths). `patches` are keyed by the file they describe (expandModelVersions: a version's file).
 * Files are read first (stopping at the first that fails; `texts`: files read already), then
 * parsed together (worker threads, parse cache); each node is built in file order, so the first error
 * in file order is thrown.
 */
export function loadModels(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>, target: TargetConfig, files = modelFiles(root), texts?: ModelTexts): ModelNode[] {
  const prepared: (PreparedModel | { readonly error: unknown })[] = [];
  for (let k = 0; k < files.length; k++) {
    try {
      prepared.push(prepareModel(root, patches, files[k]!, k, texts));
    } catch (error) {
      prepared.push({ error });
      break;
    }
  }
  const parses = parseSqlNodes(renderer, prepared.flatMap((p) => ('error' in p ? [] : [{ source: p.rawCode, info: p.info }])));
  try {
    let j = 0;
    return prepared.map((p) => {
      if ('error' in p) throw p.error;
      return buildModel(root, renderer, target, p, parses.get(j++));
    });
  } finally {
    parses.close();
  }
}

/** `python`: a Python model's node (load/python-model.ts), its calls read from the source, not rendered. */
export function buildModel(root: ProjectRoot, renderer: Renderer, target: TargetConfig, prepared: PreparedModel, parsed: ParsedSql, python = false): ModelNode {
  const pf = root.projectFile;
  const { patch, versioned, baseLayers, rootOverride, unrenderedLayers, rawCode, info } = prepared;
  const { uniqueId, name, originalFilePath: path, fqn, baseConfig } = info;
  const config = withMvTarget(finalizeConfig(DEFAULT_MODEL_CONFIG, [...baseLayers, ...parsed.state.configCalls, ...rootOverride], path), parsed.state.refs, path);
  // A name tsdbt does not build is a `{% materialization %}` of the project or a package, or an error.
  if (!KNOWN_MATERIALIZATIONS.has(config.materialized) && !findMaterializationMacro(renderer.registry, String(config.materialized))) {
    const names = new Set([...KNOWN_MATERIALIZATIONS, ...customMaterializationNames(renderer.registry)]);
    const guess = didYouMean(String(config.materialized), names);
    // Not in the model's file: the dbt_project.yml folder entry that set it (e.g. `+materialized: tabel`).
    const fromProject = /materialized/.test(rawCode) ? undefined : folderConfigPath(pf.yaml.data, 'models', fqn, 'materialized', config.materialized);
    throw new ProjectError('materialization', `Model '${name}' asks for materialized='${config.materialized}', which tsdbt does not know`, {
      ...(fromProject ? { file: pf.file, line: pf.yaml.lineOf(fromProject) } : { file: path, line: lineOfText(rawCode, /materialized/) }),
      hint: `${guess ? `Did you mean '${guess}'? ` : ''}Use one of: ${[...names].join(', ')}, or define it in a {% materialization ${config.materialized}, default %} block.`,
    });
  }
  const base = { uniqueId, name, resourceType: 'model', packageName: pf.name, originalFilePath: path, fqn, config, ...(versioned ? { version: versioned.v } : {}) };
  // Hooks are rendered now, as dbt does: their refs and sources are parents of the model.
  const unrendered = mergeLiteral(parsed.unrendered, addHookRelations(renderer, { ...base, baseConfig }, config, parsed.state));
  // Every key written out (base's first, in its order), no `...base`: V8 builds an object literal that
  // starts with a spread and then adds many keys slowly, and reads its properties slowly ever after
  // (Node 20: ~20x both, for every model node of the load and each later stage).
  return Object.freeze({
    uniqueId,
    name,
    resourceType: 'model',
    packageName: pf.name,
    originalFilePath: path,
    fqn,
    config,
    ...(versioned ? { version: versioned.v } : {}),
    line: 1,
    description: patch?.description ?? '',
    tags: config.tags,
    columns: patch?.columns ?? {},
    dependsOn: [],
    macrosUsed: [...parsed.state.macrosUsed],
    relation: relationFor(base, target.schema, renderer),
    rawCode,
    renderedCode: parsed.rendered,
    unrenderedConfig: unrenderedConfigOf([...unrenderedLayers.base, ...parsed.state.configCalls, ...unrenderedLayers.rootOverride]),
    refs: parsed.state.refs,
    sources: parsed.state.sources,
    renderAtRuntime: parsed.state.usesWarehouse,
    needsNames: parsed.state.needsNames,
    ...(unrendered ? { unrenderedRelations: unrendered } : {}),
    patchPath: patch?.file,
    ...(versioned ? { version: versioned.v, latestVersion: versioned.latestVersion } : {}),
    ...(patch?.constraints?.length ? { constraints: patch.constraints } : {}),
    ...(patch?.deprecationDate ? { deprecationDate: patch.deprecationDate } : {}),
    ...(patch?.timeSpine ? { timeSpine: patch.timeSpine } : {}),
    ...(python ? { language: 'python' as const } : {}),
  } satisfies ModelNode);
}

export function loadSeeds(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>, target: TargetConfig): SeedNode[] {
  const pf = root.projectFile;
  const files = pf.seedPaths.flatMap((p) => discoverFiles(root.dir, p, ['.csv']));
  return files.map((rel) => {
    const fqn = fqnOf(pf.name, pf.seedPaths, rel);
    const name = fqn[fqn.length - 1]!;
    const patch = patches.get(name);
    const { own, rootOverride, unrendered } = projectConfigLayers(root, 'seeds', fqn);
    const config = assertOwnMaterialization(finalizeConfig(DEFAULT_SEED_CONFIG, [own, patch?.config ?? {}, ...rootOverride], rootRelative(root, rel)), 'seed', rootRelative(root, rel));
    const unrenderedConfig = unrenderedConfigOf([unrendered.own, patch?.rawConfig ?? patch?.config ?? {}, ...unrendered.rootOverride]);
    const base = { uniqueId: `seed.${pf.name}.${name}`, name, resourceType: 'seed', packageName: pf.name, originalFilePath: rootRelative(root, rel), fqn, config };
    if (hooksOf(config, 'pre_hook').length > 0 || hooksOf(config, 'post_hook').length > 0) assertSeedHooksIndependent(renderer, { ...base, resourceType: 'seed', baseConfig: config }, config);
    // Every key written out, no `...base` (V8's slow literal: see buildModel).
    return Object.freeze({
      uniqueId: base.uniqueId,
      name,
      resourceType: 'seed',
      packageName: pf.name,
      originalFilePath: base.originalFilePath,
      fqn,
      config,
      line: 1,
      description: patch?.description ?? '',
      tags: config.tags,
      columns: patch?.columns ?? {},
      dependsOn: [],
      macrosUsed: [],
      relation: relationFor(base, target.schema, renderer),
      seedFile: join(root.dir, rel),
      unrenderedConfig,
    } satisfies SeedNode);
  });
}

export function loadSources(root: ProjectRoot, files: readonly SchemaFile[]): SourceNode[] {
  const pf = root.projectFile;
  return files.flatMap((f) =>
    f.contents.sources.map((s) => {
      const folders = dirname(f.rel) === '.' ? [] : fqnOf(pf.name, pf.modelPaths, f.rel).slice(1, -1);
      const fqn = [pf.name, ...folders, s.sourceName, s.name];
      // As dbt: the project file's `sources:` tree, then the YAML (source, then table); the root project's tree last for a package's.
      const { own, rootOverride } = projectConfigLayers(root, 'sources', fqn);
      const config = finalizeConfig({ ...DEFAULT_MODEL_CONFIG, materialized: 'source' }, [own, s.config, ...rootOverride]);
      return Object.freeze({
        uniqueId: `source.${pf.name}.${s.sourceName}.${s.name}`,
        resourceType: 'source',
        name: s.name,
        packageName: pf.name,
        fqn,
        originalFilePath: f.file,
        line: s.line,
        description: s.description,
        config,
        tags: config.tags,
        columns: s.columns,
        dependsOn: [],
        macrosUsed: [],
        relation: { schema: s.schema, identifier: s.identifier },
        sourceName: s.sourceName,
        sourceDescription: s.sourceDescription,
        loader: s.loader,
        external: s.external,
        ...sourceFreshness(s.freshness, [own, ...rootOverride], pf.file),
        loadedAtField: s.loadedAtField,
        ...(s.loadedAtQuery ? { loadedAtQuery: s.loadedAtQuery } : {}),
      } satisfies SourceNode);
    }),
  );
}

/**
 * dbt 1.10's precedence: the YAML's merged freshness (or its `freshness: null`), else dbt_project.yml's
 * `sources: +freshness` (the root project's over a package's), used whole.
 */
function sourceFreshness(fromYaml: FreshnessThreshold | null | undefined, projectLayers: readonly PartialConfig[], file: string): { freshness?: FreshnessThreshold } {
  let freshness = fromYaml;
  if (freshness === undefined)
    for (const layer of projectLayers)
      if ('freshness' in layer) freshness = projectFreshness(layer.freshness, (path, message, hint) => {
        throw new ProjectError('project_config', `${message} (at ${path.join('.')})`, { file, hint });
      }) ?? freshness;
  return freshness ? { freshness } : {};
}

/** The singular test nodes of `files` (relative to `root`; default: every .sql file under the test paths, generic/ aside). */
/** `patches`: the `data_tests:` YAML entries of the root's schema files, by test name. */
export function loadSingularTests(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>, targetSchema: string, files = singularTestFiles(root)): TestNode[] {
  const pf = root.projectFile;
  return files.map((rel) => {
    const path = rootRelative(root, rel);
    const fqn = fqnOf(pf.name, pf.testPaths, rel);
    const name = fqn[fqn.length - 1]!;
    const rawCode = readProjectText(join(root.dir, rel), rootRelative(root, rel));
    const uniqueId = `test.${pf.name}.${name}`;
    const { own, rootOverride } = projectConfigLayers(root, 'data_tests', fqn);
    const patch = patches.get(name);
    const yamlLayer = patch?.config ?? {};
    const baseConfig = finalizeConfig(DEFAULT_TEST_CONFIG, [own, yamlLayer, ...rootOverride]);
    const parsed = parseSqlNode(renderer, rawCode, {
      uniqueId, name, resourceType: 'test', packageName: pf.name, originalFilePath: path, fqn, baseConfig,
    });
    const config = assertOwnMaterialization(finalizeConfig(DEFAULT_TEST_CONFIG, [own, yamlLayer, ...parsed.state.configCalls, ...rootOverride], path), 'test', path);
    return Object.freeze({
      uniqueId,
      resourceType: 'test',
      name,
      packageName: pf.name,
      fqn,
      originalFilePath: path,
      line: 1,
      description: patch?.description ?? '',
      config,
      tags: config.tags,
      columns: {},
      dependsOn: [],
      macrosUsed: [...parsed.state.macrosUsed],
      relation: testRelationFor({ uniqueId, name, resourceType: 'test', packageName: pf.name, originalFilePath: path, fqn, config }, targetSchema, renderer),
      testType: 'singular',
      ...(patch ? { patchPath: patch.file } : {}),
      rawCode,
      renderedCode: parsed.rendered,
      refs: parsed.state.refs,
      sources: parsed.state.sources,
      renderAtRuntime: parsed.state.usesWarehouse,
      needsNames: parsed.state.needsNames,
      ...(parsed.unrendered ? { unrenderedRelations: parsed.unrendered } : {}),
    } satisfies TestNode);
  });
}

export function singularTestFiles(root: ProjectRoot): string[] {
  // generic/ holds {% test %} macros and fixtures/ unit test fixtures (dbt's fixture paths): neither is a test.
  // A file under a model path too (test-paths: ["models"]) is a model only (dbt's test_duplicate_model
  // TestModelTestOverlap: the overlap is fine); an incremental re-load reads it so (incremental-load.ts).
  const models = root.projectFile.modelPaths;
  const isModel = (f: string) => models.some((m) => !relative(m, f).startsWith('..'));
  return root.projectFile.testPaths.flatMap((p) => discoverFiles(root.dir, p, ['.sql']).filter((f) => !/^(generic|fixtures)\//.test(relative(p, f)) && !isModel(f)));
}

/** dbt's unrendered_config: the config keys a node's layers set, as written (no defaults). */
export function unrenderedConfigOf(layers: readonly PartialConfig[]): Readonly<Record<string, unknown>> {
  return mergeLayers(layers);
}
