import { existsSync } from 'node:fs';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { changedSince } from './warm-changes.js';
import { projectHooks, type Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { Renderer } from '../render/renderer.js';
import { ProjectError } from '../shared/errors.js';
import { secretValues } from '../shared/secrets.js';
import { buildGenericTest, type TestBuildContext } from './build-tests.js';
import { noteConfigKeys, unknownConfigNote } from './node-config.js';
import { loadSnapshots } from './load-snapshots.js';
import { loadPythonModels } from './python-model.js';
import { collectPatches, loadModels, modelFiles, pythonModelFiles, loadSeeds, loadSingularTests, loadSources, readModelFilesAhead, readSchemaFiles, schemaFilesOf, type SchemaFile } from './load-nodes.js';
import type { TargetConfig } from './profiles.js';
import { resourceFolders, type ProjectFile } from './project-file.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';
import { YamlPrefetch } from './yaml-prefetch.js';
import { MIN_JOBS_PER_THREAD, mostlyDistinct } from './parse-pool.js';
import { readDocBlocks } from './docs-blocks.js';
import { withJoinUseNulls } from './dbt-semantics.js';
import { withSharedListings } from './discover-files.js';
import { describeMacros, renderDescriptions, type DescriptionRender } from './render-descriptions.js';
import { nameIndex, resolveDependencies, type NameIndex } from './resolve-dependencies.js';
import type { MacroPatch, ResourcePatch } from './schema-yaml.js';
import { checkMicrobatchModels } from './microbatch-check.js';
import { checkResourceNameSpaces } from './resource-name-spaces.js';
import { usesMicrobatchBatches } from '../manifest/microbatch-config.js';
import { BUILTIN_PACKAGE } from '../render/macro-registry.js';
import { checkContracts } from './contract-rules.js';
import { checkGroupsAndAccess } from './access-check.js';
import { checkRelationClashes } from './relation-clash.js';
import { expandModelVersions, isVersionPatch } from './model-versions.js';
import { ParseCache, type PartialParseReport } from './parse-cache.js';
import { parseCacheKey } from './parse-cache-key.js';
import { parseCacheOf, parseWorkersOf, precompiledOf } from './parse-sql-node.js';
import { recordLoad, warmLoad } from './warm-load.js';
import { generations } from './warm-update.js';
import { schemaEntriesOf, type SchemaFileEntries } from './warm-yaml-update.js';
import { loadUnitTests } from './load-unit-tests.js';
import { loadSemanticNodes } from './load-semantic-nodes.js';
import { loadAnalyses } from './load-analyses.js';
import { loadFunctions } from './load-functions.js';
import { unusedConfigPathsWarning } from './unused-config-paths.js';
import { collectSourceOverrides, type SourceOverride } from './source-overrides.js';
import { GenericTestMemo, genericTestMemoOf } from './generic-test-memo.js';
import { loadContext, rendererFor, targetForTemplates } from './load-context.js';
import { nodeWarnings } from './node-warnings.js';
import { readSelectors } from './selectors-file.js';

export interface LoadOptions {
  readonly projectDir?: string;
  readonly profilesDir?: string;
  /** --profile: the profile to use, over dbt_project.yml's `profile:` (dbt's global flag). */
  readonly profile?: string;
  readonly target?: string;
  /** --target-path: where artifacts and compiled SQL go, over project.yml's `target-path`. */
  readonly targetPath?: string;
  /** --vars, already parsed. */
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly fullRefresh?: boolean;
  /**
   * The command that loads the project (`run`, `list`, `compile`…): dbt's `flags.WHICH` while it
   * parses (default 'parse'). A load whose renders read it is not saved as a warm start.
   */
  readonly which?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly invocationId?: string;
  /** `event`: the dbt event a warning is when its text cannot tell (render/dbt-context.ts). */
  readonly onLog?: (message: string, level: 'info' | 'debug' | 'warn', event?: string) => void;
  /** false: do not check require-dbt-version (dbt's --no-version-check). */
  readonly versionCheck?: boolean;
  /**
   * false: neither read nor write the parse cache `<target-path>/partial_parse.bin` (dbt's
   * --no-partial-parse). Default: the env var DBT_PARTIAL_PARSE (false/0 turn it off), else on.
   */
  readonly partialParse?: boolean;
  /**
   * Threads that render Jinja files (main included; default: the env var TSDBT_PARSE_THREADS, else
   * every core, at most 4; 1: the main thread only). Workers start only for ≥ 150 Jinja files per thread.
   */
  readonly parseThreads?: number;
}

/** The parse cache's file in the target folder (dbt's is partial_parse.msgpack). */
export const PARTIAL_PARSE_FILE = 'partial_parse.bin';

/** A loaded project: everything later stages need, readonly. */
export interface LoadedProject {
  readonly projectRoot: string;
  readonly projectFile: ProjectFile;
  readonly target: TargetConfig;
  readonly manifest: Manifest;
  readonly renderer: Renderer;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Every file read, for watch mode. */
  readonly files: readonly string[];
  /** DBT_ENV_SECRET_* values (env and --vars): scrubbed from every output (shared/secrets.ts). */
  readonly secrets: readonly string[];
  /** How this load used the parse cache: which nodes it rendered, how many renders it reused. */
  readonly partialParse: PartialParseReport;
  /** How long each phase of the load took (`tsdbt parse` writes them to target/perf_info.json). */
  readonly timings?: LoadTimings;
  /** What a warm start knows of the DAG (no cycle, each node's generation): graph/ need not work it out. */
  readonly graphHints?: { readonly acyclic: true; readonly depths: Iterable<readonly [string, number]> };
  /** A load served unchanged from its warm start: what it is (equal identities, equal manifests), for artifacts that can be reused. */
  readonly warmIdentity?: string;
  /** With warmIdentity: the nodes set since the warm start was `since` (load/warm-changes.ts; undefined: unknown, reuse nothing). */
  readonly warmChanges?: (since: string) => ReadonlySet<string> | undefined;
}

/** Seconds per load phase, with dbt's perf_info.json names; one entry per project (root, then packages). */
export interface LoadTimings {
  readonly readProjectElapsed: number;
  readonly loadMacrosElapsed: number;
  readonly parseProjectElapsed: number;
  readonly processManifestElapsed: number;
  readonly loadAllElapsed: number;
  readonly projects: readonly { readonly name: string; readonly elapsed: number; readonly parsers: Readonly<Record<string, number>> }[];
}

/** What an incremental re-load (load/incremental-load.ts) needs from the last full load. */
export interface LoadInternals {
  readonly options: LoadOptions;
  /** The root project as loaded (incremental re-loads only handle its files). */
  readonly root: ProjectRoot;
  readonly patches: ReadonlyMap<string, ResourcePatch>;
  readonly seedPatches: ReadonlyMap<string, ResourcePatch>;
  /** `data_tests:` entries by singular test name (absent: a warm update, which loads in full for a patched test). */
  readonly testPatches?: ReadonlyMap<string, ResourcePatch>;
  readonly testCtx: TestBuildContext;
  /** The root's schema files (project-relative): their model names in file order and a hash of the rest; null when not comparable (load/warm-yaml-update.ts). */
  readonly schemaEntries?: ReadonlyMap<string, SchemaFileEntries | null>;
}

/** Internals of each LoadedProject made by loadProject, for incremental re-loads. */
export const loadInternals = new WeakMap<LoadedProject, LoadInternals>();

/** Two nodes with one unique id (e.g. two model files with one name). */
export function duplicateNode(clash: ManifestNode, node: ManifestNode): ProjectError {
  // dbt's DuplicateResourceNameError words (its NodeType.pluralize), then both files.
  const kinds = node.resourceType === 'analysis' ? 'analyses' : node.resourceType === 'function' ? 'functions' : node.resourceType === 'test' ? 'data_tests' : node.resourceType === 'saved_query' ? 'saved_queries' : `${node.resourceType}s`;
  return new ProjectError('duplicate_node', `dbt found two ${kinds} with the name "${node.name}": ${clash.originalFilePath} and ${node.originalFilePath}`, {
    file: node.originalFilePath,
    line: node.line,
    hint: 'Rename one of them (model names must be unique in a project).',
  });
}


/** What generic tests of a project root are built with (load-project.ts, incremental updates). */
export function testContextOf(root: ProjectRoot, renderer: Renderer, targetSchema: string): TestBuildContext {
  const pf = root.projectFile;
  return {
    projectName: pf.name,
    renderer,
    targetSchema,
    testsConfig: pf.testsConfig,
    projectFile: pf.file,
    projectLineOf: pf.yaml.lineOf,
    ...(root.root ? { rootOverride: { testsConfig: root.root.testsConfig, projectFile: root.root.file, projectLineOf: root.root.yaml.lineOf } } : {}),
  };
}

export function loadProject(options: LoadOptions = {}): LoadedProject {
  // One listing per folder for the whole load (discover-files.ts): it walks model folders for .sql, .py, .yml and .md.
  return withSharedListings(() => loadProjectNow(options));
}

function loadProjectNow(options: LoadOptions): LoadedProject {
  const started = performance.now();
  let lap = started;
  const elapsed = () => {
    const now = performance.now();
    const s = (now - lap) / 1000;
    lap = now;
    return s;
  };
  const projectRoot = resolve(options.projectDir ?? '.');
  const partialParseOn = partialParseEnabled(options);
  // Nothing changed since the last load with these options: its result, without loading (load/warm-load.ts).
  const warm = partialParseOn ? warmLoad(options, (loaded) => rendererFor(options, loaded)) : 'off';
  if (typeof warm !== 'string') return warm;
  const rawEnv = options.env ?? process.env;
  const recorder = partialParseOn ? recordLoad(options, projectRoot, rawEnv) : undefined;
  const logs: [string, 'info' | 'debug' | 'warn'][] = [];
  const onLog = (message: string, level: 'info' | 'debug' | 'warn', event?: string) => {
    logs.push([message, level]);
    options.onLog?.(message, level, event);
  };
  const stopConfigNotes = noteConfigKeys();
  const ctx = loadContext({ ...options, env: recorder?.env ?? rawEnv, onLog }, rawEnv, (roots) => recorder?.scan(roots));
  const { unrendered, target, vars, renderYamlOf, projectFile, roots, macroFiles, renderer, workers } = ctx;
  const readProjectElapsed = ctx.readProjectElapsed;
  lap = started + readProjectElapsed * 1000; // macros and the renderer count as loading macros
  parseWorkersOf.set(renderer, workers);
  genericTestMemoOf.set(renderer, new GenericTestMemo(renderer));
  const partialParseFile = join(resolve(projectRoot, unrendered.targetPath), PARTIAL_PARSE_FILE);
  const parseCache = partialParseOn
    ? ParseCache.open(partialParseFile, parseCacheKey({ roots, target: targetForTemplates(target), renderer }), secretValues(rawEnv, vars))
    : undefined;
  if (parseCache) parseCacheOf.set(renderer, parseCache);
  // What the renders of this load read (each render's own tracking is merged into it), for the warm start.
  const loadReads = renderer.openTracking();

  const nodes = new Map<string, ManifestNode>();
  const disabled = new Map<string, ManifestNode[]>();
  const add = (node: ManifestNode) => {
    if (!node.config.enabled) {
      disabled.set(node.uniqueId, [...(disabled.get(node.uniqueId) ?? []), node]);
      return;
    }
    const clash = nodes.get(node.uniqueId);
    if (clash) throw duplicateNode(clash, node);
    nodes.set(node.uniqueId, node);
  };
  // Each root's schema YAML and model files, found once. Big schema YAML is parsed on another thread
  // meanwhile (yaml-prefetch.ts), and while it is the main thread reads model files and compiles their
  // templates ahead (unless a parse cache may hold their renders): what it would do next anyway.
  const rootFiles = new Map(roots.map((root) => [root, { schema: schemaFilesOf(root), models: modelFiles(root), texts: new Map<string, string>() }]));
  // TSDBT_YAML_THREAD=0: never (to measure against).
  const yamlThread = (options.env ?? process.env).TSDBT_YAML_THREAD !== '0';
  // The worker then reads model files from the last while this thread reads them from the first.
  const schemaToPrefetch = roots.flatMap((root) => rootFiles.get(root)!.schema.map((rel) => ({ path: join(root.dir, rel), display: rootRelative(root, rel) })));
  const modelFolders = roots.map((root) => ({ dir: root.dir, rels: rootFiles.get(root)!.models }));
  // A root's model files are numbered from the count of the roots before it (the worker's order).
  const firstModel = new Map<ProjectRoot, number>();
  roots.reduce((n, root) => (firstModel.set(root, n), n + rootFiles.get(root)!.models.length), 0);
  // Then, when the Jinja files read ahead say a parse pool will render on worker threads (parse-pool.ts
  // parseThreadsFor: enough of them, mostly each its own shape), it builds its Renderer and is one of them.
  const prefetch = yamlThread ? YamlPrefetch.start(schemaToPrefetch, workers.threads, modelFolders, workers.init) : undefined;
  const readElsewhere = prefetch && ((root: ProjectRoot) => (k: number) => prefetch.modelText(firstModel.get(root)! + k));
  if (prefetch && !(parseCache && existsSync(partialParseFile))) {
    for (const root of roots) if (!readModelFilesAhead(root, renderer, rootFiles.get(root)!, () => prefetch.finished(), readElsewhere?.(root))) break;
    const jinja = [...(precompiledOf.get(renderer)?.values() ?? [])].map((t) => t.source);
    prefetch.bootRenderer(jinja.length >= MIN_JOBS_PER_THREAD && (workers.threads === undefined ? mostlyDistinct(jinja) : workers.threads > 1));
    workers.lender = prefetch;
  }
  prefetch?.bootRenderer(false);
  const schemaFiles: SchemaFile[] = [];
  const macroPatches: (MacroPatch & { packageName: string })[] = [];
  let rootInternals: Omit<LoadInternals, 'options'> | undefined;
  const unitTestInputs: { root: ProjectRoot; schemaFiles: SchemaFile[]; modelFiles: string[] }[] = [];
  const loadMacrosElapsed = elapsed();
  const projectTimings: { name: string; elapsed: number; parsers: Record<string, number> }[] = [];
  let sourceOverrides: Map<string, Map<string, SourceOverride>> | undefined;
  for (const root of roots) {
    const projectStarted = performance.now();
    const pf = root.projectFile;
    const ownSchemaFiles = readSchemaFiles(root, renderYamlOf.get(root.name)!, rootFiles.get(root)!.schema, prefetch, sourceOverrides?.get(root.name));
    // The root project is read first: its `overrides:` source entries patch the packages' sources.
    if (root.relDir === '') sourceOverrides = collectSourceOverrides(ownSchemaFiles.map((f) => ({ file: f.file, overrides: f.contents.sourceOverrides })));
    for (const warning of [...pf.yaml.warnings, ...ownSchemaFiles.flatMap((f) => [...(f.warnings ?? []), ...f.contents.notes])]) onLog(warning, 'warn');
    schemaFiles.push(...ownSchemaFiles);
    macroPatches.push(...ownSchemaFiles.flatMap((f) => f.contents.macros.map((m) => ({ ...m, packageName: pf.name }))));
    const own: ManifestNode[] = [];
    const addOwn = (node: ManifestNode) => {
      add(node);
      if (node.config.enabled) own.push(node);
    };
    const files = rootFiles.get(root)!.models;
    const pyFiles = pythonModelFiles(root);
    const fileStems = new Set([...files, ...pyFiles].map((f) => basename(f, extname(f))));
    unitTestInputs.push({ root, schemaFiles: ownSchemaFiles, modelFiles: files });
    // Patches by the model file they describe: a versioned model's entry, one per version's file.
    const patches = expandModelVersions(collectPatches(ownSchemaFiles, 'models'), fileStems, (v, file) =>
      onLog(`${v.file}:${v.line}: version ${v.v} of model '${v.name}' has no model file (expected ${file}.sql, or set defined_in)`, 'warn'),
    );
    const texts = rootFiles.get(root)!.texts;
    const elsewhere = readElsewhere?.(root);
    for (const node of loadModels(root, renderer, patches, target, files, { get: (rel, k) => texts.get(rel) ?? elsewhere?.(k) })) addOwn(node);
    for (const node of loadPythonModels(root, renderer, patches, target, pyFiles)) addOwn(node);
    const seedPatches = collectPatches(ownSchemaFiles, 'seeds');
    for (const node of loadSeeds(root, renderer, seedPatches, target)) addOwn(node);
    const snapshotPatches = collectPatches(ownSchemaFiles, 'snapshots');
    for (const node of loadSnapshots(root, renderer, snapshotPatches, ownSchemaFiles, target)) addOwn(node);
    for (const node of loadSources(root, ownSchemaFiles)) addOwn(node);
    const testPatches = collectPatches(ownSchemaFiles, 'singularTests');
    const singularTests = loadSingularTests(root, renderer, testPatches, target.schema);
    for (const node of singularTests) addOwn(node);
    // dbt's NoNodeForYamlKey: an entry naming no singular test of this project.
    const testNames = new Set(singularTests.map((t) => t.name));
    for (const [name, p] of testPatches)
      if (!testNames.has(name)) onLog(`Did not find matching node for patch with name '${name}' in the 'data_tests' section of file '${p.file}'`, 'warn');
    for (const node of loadAnalyses(root, renderer, collectPatches(ownSchemaFiles, 'analyses'))) addOwn(node);
    for (const node of loadFunctions(root, renderer, collectPatches(ownSchemaFiles, 'functions'), target)) addOwn(node);

    const testCtx = testContextOf(root, renderer, target.schema);
    const sourceTests = new Map(ownSchemaFiles.flatMap((f) => f.contents.sources).map((s) => [`source.${pf.name}.${s.sourceName}.${s.name}`, s.tests]));
    const modelNames = new Set<string>();
    const snapshotNames = new Set<string>();
    for (const node of own) {
      if (node.resourceType === 'test') continue;
      // A model's patch is keyed by its file's name (a version's file differs from the model's name).
      const key = node.resourceType === 'model' ? basename(node.originalFilePath, extname(node.originalFilePath)) : node.name;
      if (node.resourceType === 'model') modelNames.add(key);
      if (node.resourceType === 'snapshot') snapshotNames.add(node.name);
      const patchesOf = node.resourceType === 'model' ? patches : node.resourceType === 'snapshot' ? snapshotPatches : seedPatches;
      const decls = node.resourceType === 'source' ? sourceTests.get(node.uniqueId) : patchesOf.get(key)?.tests;
      for (const decl of decls ?? []) add(buildGenericTest(testCtx, decl, node));
    }
    // dbt patches a disabled model too (its disabled lookup): only an entry with no model file warns.
    const modelFileNames = fileStems;
    for (const [name, p] of patches) {
      if (modelNames.has(name) || modelFileNames.has(name) || isVersionPatch(p)) continue;
      onLog(`${p.file}:${p.line}: the YAML entry for model '${name}' matches no model file`, 'warn');
      // As dbt: the entry's tests still test what ref('<name>') names — a seed or a snapshot of that name.
      const other = own.find((n) => (n.resourceType === 'seed' || n.resourceType === 'snapshot') && n.name === name);
      if (other) for (const decl of p.tests) add(buildGenericTest(testCtx, decl, other));
    }
    // dbt's disabled lookup: a YAML `enabled: true` naming a model disabled in several files cannot
    // say which of them to enable.
    for (const [name, p] of patches) {
      if (p.config.enabled !== true || modelNames.has(name)) continue;
      const matching = [...disabled.values()].flat().filter((n) => n.resourceType === 'model' && n.name === name && n.packageName === pf.name);
      if (matching.length > 1)
        throw new ProjectError('disabled_patch', `Found ${matching.length} matching disabled nodes for model '${name}': ${matching.map((n) => n.originalFilePath).join(', ')}`, {
          file: p.file,
          line: p.line,
          hint: `Enable one of them in its own file (config(enabled=true)), or rename the others.`,
        });
    }
    // dbt's NoNodeForYamlKey for a `seeds:` entry naming no seed (a typo leaves its description and tests out).
    const seedNames = new Set([...own, ...[...disabled.values()].flat()].filter((n) => n.resourceType === 'seed' && n.packageName === pf.name).map((n) => n.name));
    for (const [name, p] of seedPatches) if (!seedNames.has(name)) onLog(`${p.file}:${p.line}: the YAML entry for seed '${name}' matches no seed file`, 'warn');
    for (const [name, p] of snapshotPatches)
      if (!snapshotNames.has(name) && p.config.enabled !== false)
        onLog(`${p.file}:${p.line}: the YAML entry for snapshot '${name}' matches no {% snapshot %} block (add relation: ref(...) to define a snapshot in YAML)`, 'warn');
    if (root.relDir === '') rootInternals = { root, patches, seedPatches, testPatches, testCtx, schemaEntries: schemaEntriesOf(ownSchemaFiles) };
    const parsers: Record<string, number> = {};
    for (const n of own) parsers[n.resourceType] = (parsers[n.resourceType] ?? 0) + 1;
    projectTimings.push({ name: root.name, elapsed: (performance.now() - projectStarted) / 1000, parsers });
  }
  // What ref()/source() name, built once for the unit tests, the semantic nodes and resolveDependencies
  // (and only when needed): they add no node it holds (models, seeds, snapshots, sources).
  let names: NameIndex | undefined;
  const lookup = () => (names ??= nameIndex(nodes));
  prefetch?.close();
  workers.lender = undefined;
  // Unit tests once every package's nodes are known (an input may be a package's model).
  for (const u of unitTestInputs) {
    if (!u.schemaFiles.some((f) => f.contents.unitTests.length > 0)) continue;
    const loadedModels = new Set([...nodes.values()].filter((n) => n.resourceType === 'model').map((n) => basename(n.originalFilePath, '.sql')));
    const disabledModels = new Set(u.modelFiles.map((f) => basename(f, '.sql')).filter((f) => !loadedModels.has(f)));
    for (const node of loadUnitTests({ root: u.root, nodes, schemaFiles: u.schemaFiles, disabledModels, lookup })) add(node);
  }
  // Exposures and the semantic layer's resources once every node they may name is known.
  for (const node of loadSemanticNodes(unitTestInputs.map((u) => ({ root: u.root, files: u.schemaFiles })), nodes, projectFile.name, (m) => onLog(m, 'warn'), lookup)) add(node);
  const parseProjectElapsed = elapsed();
  // Keys a template reads with config.get() are used, just not by tsdbt itself: no note for them.
  for (const [key, where] of stopConfigNotes()) if (!renderer.configKeysRead().has(key)) onLog(unknownConfigNote(key, where), 'info');
  const unusedPaths = unusedConfigPathsWarning(projectFile, nodes.values(), [...disabled.values()].flat());
  if (unusedPaths) onLog(unusedPaths, 'warn');

  const macroSources = new Map(macroFiles.map((f) => [f.path, f.source]));
  const macroNodes = new Map(renderer.macros().map((m) => [m.uniqueId, m]));
  const depended = resolveDependencies(nodes, projectFile.name, undefined, lookup(), (id) => {
    const m = macroNodes.get(id);
    const text = m && macroSources.get(m.originalFilePath);
    return m && text !== undefined ? { name: m.name, file: m.originalFilePath, text } : undefined;
  }, { names: new Set([...disabled.values()].flat().map((n) => n.name)), sources: new Set([...disabled.values()].flat().flatMap((n) => (n.resourceType === 'source' ? [`${n.sourceName}.${n.name}`] : []))), warn: (message) => onLog(message, 'warn') });
  // `{{ doc('x') }}` in descriptions: the docs blocks of every project, rendered into the text (dbt's process_docs).
  const docs = new Map(roots.flatMap(readDocBlocks).map((d) => [d.uniqueId, d]));
  const renderText: DescriptionRender = (text, file, pkg, globals) => renderYamlOf.get(pkg)!(text, file, globals);
  const groups: NonNullable<Manifest['groups']> = new Map(unitTestInputs.flatMap((u) => u.schemaFiles.flatMap((f) => f.contents.groups.map((g) => [`group.${u.root.name}.${g.name}`, { uniqueId: `group.${u.root.name}.${g.name}`, name: g.name, packageName: u.root.name, originalFilePath: g.file, line: g.line, owner: g.owner, description: g.description, config: g.config }] as const))));
  const resolved = withJoinUseNulls(renderDescriptions(depended, docs, projectFile.name, renderText));
  // Of the final nodes (parents resolved), as a warm update computes them again.
  const nodeLogsFrom = logs.length;
  nodeWarnings(resolved.values(), onLog, resolved);
  const nodeLogs = [nodeLogsFrom, logs.length] as const;
  checkMicrobatchModels(resolved, onLog, usesMicrobatchBatches(projectFile.flags, renderer.macros(), BUILTIN_PACKAGE));
  checkGroupsAndAccess(resolved, groups, undefined, new Set(roots.filter((r) => r.projectFile.restrictAccess).map((r) => r.name)));
  checkContracts(resolved.values(), onLog);
  checkRelationClashes(resolved.values(), projectFile.flags, onLog);
  checkResourceNameSpaces(resolved.values(), projectFile.flags, onLog);
  const manifest: Manifest = {
    projectName: projectFile.name,
    projectRoot,
    nodes: resolved,
    disabled,
    macros: describeMacros(renderer.macros(), macroPatches, docs, projectFile.name, renderText, onLog, projectFile.flags?.validate_macro_args === true),
    selectors: readSelectors(projectRoot, (text) => renderYamlOf.get(projectFile.name)!(text, 'selectors.yml')),
    packages: roots.slice(1).map((r) => ({ name: r.name, path: r.relDir })),
    resourceFolders: Object.fromEntries(roots.map((r) => [r.name, resourceFolders(r.projectFile)])),
    docs,
    groups,
    hooks: projectHooks(
      roots.map((r) => ({ name: r.name, hooks: { onRunStart: r.projectFile.onRunStart, onRunEnd: r.projectFile.onRunEnd }, file: join(r.relDir, r.projectFile.file) })),
      projectFile.name,
    ),
  };
  const files = [
    ...roots.map((r) => r.projectFile.file),
    ...macroFiles.filter((m) => !isAbsolute(m.path)).map((m) => m.path),
    ...schemaFiles.map((s) => s.file),
    ...[...docs.values()].map((d) => d.originalFilePath),
    ...[...resolved.values()].map((n) => n.originalFilePath),
  ];
  renderer.setManifest(manifest);
  parseCache?.save();
  parseCacheOf.delete(renderer); // watch mode's incremental re-loads render the few changed files
  precompiledOf.delete(renderer);
  parseWorkersOf.delete(renderer);
  genericTestMemoOf.delete(renderer);
  const partialParse = { ...(parseCache?.report() ?? { mode: 'off' as const, rendered: [], reused: 0 }), workerRendered: workers.workerRendered };
  const timings: LoadTimings = { readProjectElapsed, loadMacrosElapsed, parseProjectElapsed, processManifestElapsed: elapsed(), loadAllElapsed: (performance.now() - started) / 1000, projects: projectTimings };
  // The DAG's generations and no-cycle check from the manifest's own lists (a pass of Kahn's): the
  // graphology graph is then built only for what needs it (graph/project-graph.ts), not for every
  // command (ls of 25,000 nodes: ~7% of its CPU). A cycle gives no hints: the graph is built up front and reports it.
  const depths = generations(manifest);
  const graphHints = depths ? { acyclic: true as const, depths } : undefined;
  const loaded: LoadedProject = { projectRoot, projectFile, target, manifest, renderer, vars, files: [...new Set(files)], secrets: secretValues(rawEnv, vars), partialParse, timings, ...(graphHints ? { graphHints } : {}) };
  loadInternals.set(loaded, { options, ...rootInternals! });
  loadReads.close();
  // Which vars each node's render read, and which were read elsewhere (a warm start's vars update: load/warm-vars-update.ts).
  const varReads = {
    byRender: new Map([...(parseCache?.varReads() ?? [])].map(([id, names]) => [id, [...names]] as const)),
    global: new Set([...ctx.configVarReads, ...(loadReads.reads.direct ?? [])]),
  };
  const identity = recorder?.save(loaded, { volatile: loadReads.reads.volatile, envRead: loadReads.reads.env.keys(), logs, nodeLogs, renders: partialParse.rendered.length + partialParse.reused, varReads });
  // The saved load is this one: what the next command reads back is known by this identity (compile memo, manifest.json reuse).
  if (identity !== undefined) Object.assign(loaded, { warmIdentity: identity, warmChanges: (since: string) => changedSince(identity, [], since) });
  return loaded;
}

/** dbt's --no-partial-parse / DBT_PARTIAL_PARSE: whether the parse cache and the warm start are used. */
function partialParseEnabled(options: LoadOptions): boolean {
  const value = (options.env ?? process.env).DBT_PARTIAL_PARSE;
  const envFlag = value === undefined ? undefined : !/^(false|0|no|off)$/i.test(value);
  return options.partialParse ?? envFlag ?? true;
}
