import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { DEFAULT_MODEL_CONFIG, DEFAULT_SEED_CONFIG, DEFAULT_TEST_CONFIG, KNOWN_MATERIALIZATIONS } from '../manifest/config.js';
import type { Manifest, SelectorDefinition } from '../manifest/manifest.js';
import type { ManifestNode, ModelNode, SeedNode, SourceNode, TestNode } from '../manifest/nodes.js';
import { createJinjaEnvironment } from '../render/jinja-compat/index.js';
import { splitArgs } from '../render/dbt-context.js';
import { raiseInTemplate, toRenderError } from '../render/template-error.js';
import { Renderer, type MacroFile } from '../render/renderer.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError } from '../shared/errors.js';
import { buildGenericTest, type TestBuildContext } from './build-tests.js';
import { builtinMacroFiles } from './builtin-package.js';
import { discoverFiles, toPosix } from './discover-files.js';
import { finalizeConfig, folderConfig, isMapping } from './node-config.js';
import { lineOfText } from './locate.js';
import { parseSqlNode } from './parse-sql-node.js';
import { addHookRelations, mergeLiteral } from './runtime-relations.js';
import { describeTarget, resolveTarget, type TargetConfig } from './profiles.js';
import { readProjectFile, type ProjectFile } from './project-file.js';
import { relationFor } from './relation-names.js';
import { resolveDependencies } from './resolve-dependencies.js';
import { parseSchemaFile, type ResourcePatch, type SchemaFileContents } from './schema-yaml.js';
import { readYamlFile } from './yaml-file.js';
import { renderConfigValues } from './render-config.js';

export interface LoadOptions {
  readonly projectDir?: string;
  readonly profilesDir?: string;
  readonly target?: string;
  /** --target-path: where artifacts and compiled SQL go, over project.yml's `target-path`. */
  readonly targetPath?: string;
  /** --vars, already parsed. */
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly fullRefresh?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly invocationId?: string;
  readonly onLog?: (message: string, level: 'info' | 'debug' | 'warn') => void;
}

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
}

/** What an incremental re-load (load/incremental-load.ts) needs from the last full load. */
export interface LoadInternals {
  readonly options: LoadOptions;
  readonly patches: ReadonlyMap<string, ResourcePatch>;
  readonly seedPatches: ReadonlyMap<string, ResourcePatch>;
  readonly testCtx: TestBuildContext;
}

/** Internals of each LoadedProject made by loadProject, for incremental re-loads. */
export const loadInternals = new WeakMap<LoadedProject, LoadInternals>();

/** dbt or dbt-clickhouse config keys tsdbt accepts (so projects load) but does not act on yet. */
const INERT_CONFIG_KEYS = ['grants', 'sql_header', 'store_failures_as', 'inserts_only', 'persist_docs'] as const;

/** Two nodes with one unique id (e.g. two model files with one name). */
export function duplicateNode(clash: ManifestNode, node: ManifestNode): ProjectError {
  return new ProjectError('duplicate_node', `Two ${node.resourceType}s are named '${node.name}': ${clash.originalFilePath} and ${node.originalFilePath}`, {
    file: node.originalFilePath,
    line: node.line,
    hint: 'Rename one of them (model names must be unique in a project).',
  });
}

/** One warning per inert key that some node sets, naming where (a project may set one key on thousands of models). */
function warnInertConfig(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  const users = new Map<string, string[]>();
  for (const node of nodes)
    for (const key of INERT_CONFIG_KEYS) {
      const v = (node.config as Record<string, unknown>)[key];
      if (v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0)) (users.get(key) ?? users.set(key, []).get(key)!).push(node.originalFilePath);
    }
  for (const [key, files] of users) {
    const shown = [...new Set(files)];
    onLog(`config '${key}' has no effect in tsdbt yet (set for ${shown.slice(0, 3).join(', ')}${shown.length > 3 ? ` and ${shown.length - 3} more` : ''})`, 'warn');
  }
}

/** As dbt: an incremental model's unknown on_schema_change is reported, then treated as 'ignore'. */
function warnUnknownOnSchemaChange(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  for (const node of nodes) {
    const value = node.config.on_schema_change;
    if (node.resourceType !== 'model' || !String(node.config.materialized).endsWith('incremental') || value === undefined || value === null) continue;
    if (ON_SCHEMA_CHANGE.includes(String(value))) continue;
    const guess = didYouMean(String(value), ON_SCHEMA_CHANGE);
    onLog(`${node.originalFilePath}: on_schema_change='${String(value)}' is not one of ${ON_SCHEMA_CHANGE.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}; 'ignore' is used`, 'warn');
  }
}

function withRenderedConfig(pf: ProjectFile, render: (text: string) => string): ProjectFile {
  const tree = (t: Readonly<Record<string, unknown>>) => renderConfigValues(t, render) as Record<string, unknown>;
  return { ...pf, modelsConfig: tree(pf.modelsConfig), seedsConfig: tree(pf.seedsConfig), testsConfig: tree(pf.testsConfig) };
}

const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];

const IGNORED_ROOT_YAML = new Set(['project.yml', 'dbt_project.yml', 'profiles.yml', 'selectors.yml', 'packages.yml', 'dependencies.yml']);

export function loadProject(options: LoadOptions = {}): LoadedProject {
  const projectRoot = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const onLog = options.onLog ?? (() => {});
  const fromFile = readProjectFile(projectRoot);
  const unrendered = options.targetPath ? { ...fromFile, targetPath: options.targetPath } : fromFile;
  const vars = resolveVars(unrendered, options.vars ?? {});
  const target = resolveTarget({
    projectRoot,
    profileName: unrendered.profile,
    profilesDir: options.profilesDir,
    target: options.target,
    renderString: (text, file) => renderProfileString(text, file, env),
  });

  // Config values in project.yml and schema YAML may use Jinja, as in dbt (`+schema: "{{ env_var('S', 'x') }}"`).
  const templateGlobals = {
    target: targetForTemplates(target),
    var: (...args: unknown[]) => {
      const { name, fallback } = nameAndDefault(args);
      if (name in vars) return vars[name];
      if (fallback !== undefined) return fallback;
      raiseInTemplate(new ProjectError('missing_var', `Required var '${name}' not found in the project vars or --vars`, { hint: `Set it in project.yml under 'vars:' or pass --vars '{${name}: value}'.` }));
    },
  };
  const renderYaml = (text: string, file: string) => (text.includes('{{') || text.includes('{%') ? renderProfileString(text, file, env, templateGlobals) : text);
  const projectFile = withRenderedConfig(unrendered, (text) => renderYaml(text, unrendered.file));

  const macroFiles = readMacroFiles(projectRoot, projectFile);
  const renderer = new Renderer(
    {
      projectName: projectFile.name,
      vars,
      target: targetForTemplates(target),
      flags: { FULL_REFRESH: options.fullRefresh === true },
      invocationId: options.invocationId ?? '',
      env,
      onLog,
    },
    macroFiles,
  );

  const schemaFiles = readSchemaFiles(projectRoot, projectFile, renderYaml);
  const nodes = new Map<string, ManifestNode>();
  const add = (node: ManifestNode) => {
    if (!node.config.enabled) return;
    const clash = nodes.get(node.uniqueId);
    if (clash) throw duplicateNode(clash, node);
    nodes.set(node.uniqueId, node);
  };

  const patches = collectPatches(schemaFiles, 'models');
  for (const node of loadModels(projectRoot, projectFile, renderer, patches, target)) add(node);
  const seedPatches = collectPatches(schemaFiles, 'seeds');
  for (const node of loadSeeds(projectRoot, projectFile, renderer, seedPatches, target)) add(node);
  for (const node of loadSources(projectFile, schemaFiles)) add(node);
  for (const node of loadSingularTests(projectRoot, projectFile, renderer)) add(node);

  const testCtx: TestBuildContext = {
    projectName: projectFile.name,
    renderer,
    testsConfig: projectFile.testsConfig,
    projectFile: projectFile.file,
    projectLineOf: projectFile.yaml.lineOf,
  };
  const sourceTests = new Map(
    schemaFiles.flatMap((f) => f.contents.sources).map((s) => [`source.${projectFile.name}.${s.sourceName}.${s.name}`, s.tests]),
  );
  const modelNames = new Set<string>();
  for (const node of [...nodes.values()]) {
    if (node.resourceType === 'test') continue;
    if (node.resourceType === 'model') modelNames.add(node.name);
    const decls =
      node.resourceType === 'source'
        ? sourceTests.get(node.uniqueId)
        : (node.resourceType === 'model' ? patches : seedPatches).get(node.name)?.tests;
    for (const decl of decls ?? []) add(buildGenericTest(testCtx, decl, node));
  }
  for (const [name, p] of patches)
    if (!modelNames.has(name)) onLog(`${p.file}:${p.line}: the YAML entry for model '${name}' matches no model file`, 'warn');
  warnInertConfig(nodes.values(), onLog);
  warnUnknownOnSchemaChange(nodes.values(), onLog);

  const macroSources = new Map(macroFiles.map((f) => [f.path, f.source]));
  const macroNodes = new Map(renderer.macros().map((m) => [m.uniqueId, m]));
  const resolved = resolveDependencies(nodes, projectFile.name, undefined, undefined, (id) => {
    const m = macroNodes.get(id);
    const text = m && macroSources.get(m.originalFilePath);
    return m && text !== undefined ? { name: m.name, file: m.originalFilePath, text } : undefined;
  });
  const manifest: Manifest = {
    projectName: projectFile.name,
    projectRoot,
    nodes: resolved,
    macros: new Map(renderer.macros().map((m) => [m.uniqueId, m])),
    selectors: readSelectors(projectRoot),
  };
  const files = [
    projectFile.file,
    ...macroFiles.map((m) => m.path),
    ...schemaFiles.map((s) => s.file),
    ...[...resolved.values()].map((n) => n.originalFilePath),
  ];
  renderer.setManifest(manifest);
  const loaded: LoadedProject = { projectRoot, projectFile, target, manifest, renderer, vars, files: [...new Set(files)] };
  loadInternals.set(loaded, { options, patches, seedPatches, testCtx });
  return loaded;
}

function resolveVars(projectFile: ProjectFile, cliVars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // `vars: { my_project: { k: v } }` scopes vars to a project: ours win over global ones wherever
  // they are written (dbt's order: --vars, then project-scoped, then global).
  const global: Record<string, unknown> = {};
  let scoped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(projectFile.vars)) {
    if (k === projectFile.name && isMapping(v)) scoped = v;
    else global[k] = v;
  }
  return { ...global, ...scoped, ...cliVars };
}

/** `f('name', 'd')` or `f('name', default='d')`: the name and the default, if any. */
function nameAndDefault(args: readonly unknown[]): { name: string; fallback: unknown } {
  const { positional, keywords } = splitArgs(args);
  return { name: String(positional[0]), fallback: positional.length > 1 ? positional[1] : keywords.default };
}

/** Renders Jinja in a YAML value (profiles, source properties): env_var(), plus `target` and var() where given. */
function renderProfileString(text: string, file: string, env: NodeJS.ProcessEnv, globals: Readonly<Record<string, unknown>> = {}): string {
  const jinja = createJinjaEnvironment();
  for (const [name, value] of Object.entries(globals)) jinja.addGlobal(name, value);
  jinja.addGlobal('env_var', (...args: unknown[]) => {
    const { name, fallback } = nameAndDefault(args);
    const value = env[name];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    raiseInTemplate(new ProjectError('missing_env_var', `Environment variable '${name}' is not set (used in ${file})`, {
      file,
      hint: `Export ${name}, or write env_var('${name}', 'default').`,
    }));
  });
  try {
    return jinja.renderString(text, {});
  } catch (error) {
    // Name the YAML file and the value being rendered (no line: values are rendered after parsing).
    const e = toRenderError(error, file);
    throw new ProjectError(e.code, `${e.message} (in ${file}: "${text}")`, { file, hint: e.hint, cause: e });
  }
}

function targetForTemplates(target: TargetConfig): Record<string, unknown> {
  const shown = describeTarget(target);
  delete shown.password;
  return { ...shown, profile_name: target.profileName, target_name: target.name, database: target.schema };
}

function readMacroFiles(projectRoot: string, projectFile: ProjectFile): MacroFile[] {
  const paths = [
    ...projectFile.macroPaths.flatMap((p) => discoverFiles(projectRoot, p, ['.sql'])),
    // dbt also reads generic tests ({% test %} blocks) from tests/generic/.
    ...projectFile.testPaths.flatMap((p) => discoverFiles(projectRoot, join(p, 'generic'), ['.sql'])),
  ];
  const own = [...new Set(paths)].map((path) => ({ path, source: readFileSync(join(projectRoot, path), 'utf8'), packageName: projectFile.name }));
  return [...own, ...builtinMacroFiles()];
}

interface SchemaFile {
  readonly file: string;
  readonly contents: SchemaFileContents;
}

function readSchemaFiles(projectRoot: string, projectFile: ProjectFile, render: (text: string, file: string) => string): SchemaFile[] {
  const inPaths = [...projectFile.modelPaths, ...projectFile.seedPaths].flatMap((p) => discoverFiles(projectRoot, p, ['.yml', '.yaml']));
  const atRoot = readdirSync(projectRoot)
    .filter((f) => (f.endsWith('.yml') || f.endsWith('.yaml')) && !IGNORED_ROOT_YAML.has(f))
    .filter((f) => /^version\s*:/m.test(readFileSync(join(projectRoot, f), 'utf8')));
  return [...new Set([...atRoot, ...inPaths])].map((file) => ({
    file,
    contents: parseSchemaFile(readYamlFile(join(projectRoot, file), file), (text) => render(text, file)),
  }));
}

function collectPatches(files: readonly SchemaFile[], kind: 'models' | 'seeds'): Map<string, ResourcePatch> {
  const out = new Map<string, ResourcePatch>();
  for (const f of files)
    for (const patch of f.contents[kind]) {
      const previous = out.get(patch.name);
      if (previous)
        throw new ProjectError('duplicate_patch', `${kind === 'models' ? 'Model' : 'Seed'} '${patch.name}' is described twice: ${previous.file}:${previous.line} and ${patch.file}:${patch.line}`, {
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
  const root = roots.find((r) => path.startsWith(toPosix(r).replace(/\/?$/, '/'))) ?? '';
  const rel = root ? path.slice(toPosix(root).replace(/\/?$/, '/').length) : path;
  const parts = rel.split('/');
  parts[parts.length - 1] = basename(parts[parts.length - 1]!, extname(parts[parts.length - 1]!));
  return [projectName, ...parts];
}

/** The model nodes of `files` (default: every .sql file under the model paths). */
export function loadModels(projectRoot: string, pf: ProjectFile, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>, target: TargetConfig, files = pf.modelPaths.flatMap((p) => discoverFiles(projectRoot, p, ['.sql']))): ModelNode[] {
  return files.map((path) => {
    const fqn = fqnOf(pf.name, pf.modelPaths, path);
    const name = fqn[fqn.length - 1]!;
    const patch = patches.get(name);
    const folder = folderConfig(pf.modelsConfig, fqn, pf.file, pf.yaml.lineOf, ['models']);
    const baseLayers = [folder, patch?.config ?? {}];
    const baseConfig = finalizeConfig(DEFAULT_MODEL_CONFIG, baseLayers);
    const rawCode = readFileSync(join(projectRoot, path), 'utf8');
    const uniqueId = `model.${pf.name}.${name}`;
    const parsed = parseSqlNode(renderer, rawCode, {
      uniqueId, name, resourceType: 'model', packageName: pf.name, originalFilePath: path, fqn, baseConfig,
    });
    const config = finalizeConfig(DEFAULT_MODEL_CONFIG, [...baseLayers, ...parsed.state.configCalls]);
    if (!KNOWN_MATERIALIZATIONS.has(config.materialized)) {
      const guess = didYouMean(String(config.materialized), KNOWN_MATERIALIZATIONS);
      throw new ProjectError('materialization', `Model '${name}' asks for materialized='${config.materialized}', which tsdbt does not know`, {
        file: path,
        line: lineOfText(rawCode, /materialized/),
        hint: `${guess ? `Did you mean '${guess}'? ` : ''}Use one of: ${[...KNOWN_MATERIALIZATIONS].join(', ')}.`,
      });
    }
    const base = { uniqueId, name, resourceType: 'model', packageName: pf.name, originalFilePath: path, fqn, config };
    // Hooks are rendered now, as dbt does: their refs and sources are parents of the model.
    const unrendered = mergeLiteral(parsed.unrendered, addHookRelations(renderer, { ...base, baseConfig }, config, parsed.state));
    return Object.freeze({
      ...base,
      resourceType: 'model',
      line: 1,
      description: patch?.description ?? '',
      tags: config.tags,
      columns: patch?.columns ?? {},
      dependsOn: [],
      macrosUsed: [...parsed.state.macrosUsed],
      relation: relationFor(base, target.schema, renderer),
      rawCode,
      renderedCode: parsed.rendered,
      refs: parsed.state.refs,
      sources: parsed.state.sources,
      renderAtRuntime: parsed.state.usesWarehouse,
      needsNames: parsed.state.needsNames,
      ...(unrendered ? { unrenderedRelations: unrendered } : {}),
      patchPath: patch?.file,
    } satisfies ModelNode);
  });
}

function loadSeeds(projectRoot: string, pf: ProjectFile, renderer: Renderer, patches: Map<string, ResourcePatch>, target: TargetConfig): SeedNode[] {
  const files = pf.seedPaths.flatMap((p) => discoverFiles(projectRoot, p, ['.csv']));
  return files.map((path) => {
    const fqn = fqnOf(pf.name, pf.seedPaths, path);
    const name = fqn[fqn.length - 1]!;
    const patch = patches.get(name);
    const folder = folderConfig(pf.seedsConfig, fqn, pf.file, pf.yaml.lineOf, ['seeds']);
    const config = finalizeConfig(DEFAULT_SEED_CONFIG, [folder, patch?.config ?? {}]);
    const base = { uniqueId: `seed.${pf.name}.${name}`, name, resourceType: 'seed', packageName: pf.name, originalFilePath: path, fqn, config };
    return Object.freeze({
      ...base,
      resourceType: 'seed',
      line: 1,
      description: patch?.description ?? '',
      tags: config.tags,
      columns: patch?.columns ?? {},
      dependsOn: [],
      macrosUsed: [],
      relation: relationFor(base, target.schema, renderer),
      seedFile: join(projectRoot, path),
    } satisfies SeedNode);
  });
}

function loadSources(pf: ProjectFile, files: readonly SchemaFile[]): SourceNode[] {
  return files.flatMap((f) =>
    f.contents.sources.map((s) => {
      const folders = dirname(f.file) === '.' ? [] : fqnOf(pf.name, pf.modelPaths, f.file).slice(1, -1);
      const config = finalizeConfig({ ...DEFAULT_MODEL_CONFIG, materialized: 'source' }, [s.config]);
      return Object.freeze({
        uniqueId: `source.${pf.name}.${s.sourceName}.${s.name}`,
        resourceType: 'source',
        name: s.name,
        packageName: pf.name,
        fqn: [pf.name, ...folders, s.sourceName, s.name],
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
        freshness: s.freshness,
      } satisfies SourceNode);
    }),
  );
}

/** The singular test nodes of `files` (default: every .sql file under the test paths, generic/ aside). */
export function loadSingularTests(projectRoot: string, pf: ProjectFile, renderer: Renderer, files = singularTestFiles(projectRoot, pf)): TestNode[] {
  return files.map((path) => {
    const fqn = fqnOf(pf.name, pf.testPaths, path);
    const name = fqn[fqn.length - 1]!;
    const rawCode = readFileSync(join(projectRoot, path), 'utf8');
    const uniqueId = `test.${pf.name}.${name}`;
    const folder = folderConfig(pf.testsConfig, fqn, pf.file, pf.yaml.lineOf, ['data_tests']);
    const baseConfig = finalizeConfig(DEFAULT_TEST_CONFIG, [folder]);
    const parsed = parseSqlNode(renderer, rawCode, {
      uniqueId, name, resourceType: 'test', packageName: pf.name, originalFilePath: path, fqn, baseConfig,
    });
    const config = finalizeConfig(DEFAULT_TEST_CONFIG, [folder, ...parsed.state.configCalls]);
    return Object.freeze({
      uniqueId,
      resourceType: 'test',
      name,
      packageName: pf.name,
      fqn,
      originalFilePath: path,
      line: 1,
      description: '',
      config,
      tags: config.tags,
      columns: {},
      dependsOn: [],
      macrosUsed: [...parsed.state.macrosUsed],
      relation: { schema: '', identifier: name },
      testType: 'singular',
      rawCode,
      renderedCode: parsed.rendered,
      refs: parsed.state.refs,
      sources: parsed.state.sources,
      ...(parsed.unrendered ? { unrenderedRelations: parsed.unrendered } : {}),
    } satisfies TestNode);
  });
}

export function singularTestFiles(projectRoot: string, pf: ProjectFile): string[] {
  return pf.testPaths.flatMap((p) => discoverFiles(projectRoot, p, ['.sql']).filter((f) => !relative(p, f).startsWith('generic/')));
}

function readSelectors(projectRoot: string): Record<string, SelectorDefinition> {
  const file = 'selectors.yml';
  let yaml;
  try {
    yaml = readYamlFile(join(projectRoot, file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const list = isMapping(yaml.data) ? yaml.data.selectors : undefined;
  if (!Array.isArray(list)) return {};
  const out: Record<string, SelectorDefinition> = {};
  list.forEach((s, i) => {
    if (!isMapping(s) || typeof s.name !== 'string')
      throw new ProjectError('selectors_yml', 'Each selector needs a name and a definition', { file, line: yaml.lineOf(['selectors', i]) });
    out[s.name] = { name: s.name, description: typeof s.description === 'string' ? s.description : undefined, default: s.default === true, definition: s.definition, file };
  });
  return out;
}
