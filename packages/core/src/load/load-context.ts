import { resolve } from 'node:path';
import { raiseInTemplate } from '../render/template-error.js';
import { Renderer, type MacroFile } from '../render/renderer.js';
import { dbtVersionFor } from '../shared/dbt-version.js';
import { assertWritableDir } from '../shared/writable-dir.js';
import { ProjectError } from '../shared/errors.js';
import { builtinMacroFiles, packageMacroFiles } from './builtin-package.js';
import { isMapping } from './node-config.js';
import { readMacroFiles } from './load-nodes.js';
import { describeTarget, resolveTarget, type TargetConfig } from './profiles.js';
import type { ProjectFile } from './project-file.js';
import { projectRoots, type ProjectRoot } from './project-roots.js';
import { renderConfigValues } from './render-config.js';
import type { ParseWorkers } from './parse-sql-node.js';
import type { LoadedProject, LoadOptions } from './load-project.js';
import { cliVarFunction, nameAndDefault, readProjectFileRendered, renderProfileString } from './yaml-values.js';

/** What a load sets up before reading nodes: project file, target, package roots and vars, the Jinja renderer. */
export interface LoadContext {
  readonly env: NodeJS.ProcessEnv;
  readonly unrendered: ProjectFile;
  readonly target: TargetConfig;
  readonly vars: Record<string, unknown>;
  readonly renderYamlOf: Map<string, (text: string, file: string, extra?: Readonly<Record<string, unknown>>) => string>;
  readonly projectFile: ProjectFile;
  readonly roots: readonly ProjectRoot[];
  readonly macroFiles: readonly MacroFile[];
  readonly renderer: Renderer;
  readonly workers: ParseWorkers;
  readonly readProjectElapsed: number;
  /** Names of the vars read by YAML values and profiles.yml (so far: they are rendered as the load goes on). */
  readonly configVarReads: Set<string>;
}

/** The Jinja renderer of a load restored from its warm start, built when first used (compile, run…). */
export function rendererFor(options: LoadOptions, loaded: LoadedProject): Renderer {
  const env = options.env ?? process.env;
  const { renderer } = loadContext({ ...options, env, onLog: options.onLog ?? (() => {}) }, env, () => {});
  renderer.setManifest(loaded.manifest);
  return renderer;
}

/**
 * What an incremental update of a warm start (load/warm-update.ts) parses files with: the root
 * project, the target and a Jinja renderer as a load sets them up. `env` is what renders read;
 * `onLog` hears what setting up says.
 */
export function updateContext(
  options: LoadOptions,
  env: NodeJS.ProcessEnv,
  onLog: NonNullable<LoadOptions['onLog']>,
): {
  root: ProjectRoot;
  target: TargetConfig;
  projectFile: ProjectFile;
  renderer: Renderer;
  renderYaml: (text: string, file: string) => string;
  vars: Readonly<Record<string, unknown>>;
  configVarReads: ReadonlySet<string>;
} {
  const { roots, target, projectFile, renderer, renderYamlOf, vars, configVarReads } = loadContext({ ...options, env, onLog }, options.env ?? process.env, () => {});
  const renderYaml = renderYamlOf.get(projectFile.name)!;
  return { root: roots[0]!, target, projectFile, renderer, renderYaml: (text, file) => renderYaml(text, file), vars, configVarReads };
}

/**
 * The first part of a load. `options.env` is what renders read (the warm start records reads through
 * it); `rawEnv` the same variables unrecorded, copied to worker threads. `onRoots` sees the project
 * roots before their files are read.
 */
export function loadContext(
  options: LoadOptions & { readonly env: NodeJS.ProcessEnv; readonly onLog: NonNullable<LoadOptions['onLog']> },
  rawEnv: NodeJS.ProcessEnv,
  onRoots: (roots: readonly ProjectRoot[]) => void,
): LoadContext {
  const started = performance.now();
  const projectRoot = resolve(options.projectDir ?? '.');
  const env = options.env;
  const onLog = options.onLog;
  // Vars read outside node renders (YAML values, profiles.yml): a warm start's vars update reloads in full when one changes.
  const configVarReads = new Set<string>();
  const fromFile = readProjectFileRendered(projectRoot, env, options.vars ?? {}, configVarReads);
  const unrendered = options.targetPath ? { ...fromFile, targetPath: options.targetPath } : fromFile;
  // target/ must be a folder (or not exist yet): said now, not as EEXIST halfway through a run.
  // Writability is checked when an artifact is written (`docs serve` or `ls` may only read it).
  assertWritableDir(
    resolve(projectRoot, unrendered.targetPath),
    options.targetPath ? { what: '--target-path' } : { what: `target-path in ${fromFile.file}`, file: fromFile.file, line: () => fromFile.yaml.lineOf(['target-path']) },
    { writable: false },
  );
  const target = resolveTarget({
    projectRoot,
    // dbt renders `profile:` as any dbt_project.yml value (`profile: "{{ env_var('P') }}"`).
    profileName: options.profile ?? (/\{[{%]/.test(unrendered.profile) ? renderProfileString(unrendered.profile, fromFile.file, env).trim() : unrendered.profile),
    profilesDir: options.profilesDir,
    target: options.target,
    // profiles.yml is where DBT_ENV_SECRET_* variables may be read (as in dbt)
    renderString: (text, file) => renderProfileString(text, file, env, { var: cliVarFunction(options.vars ?? {}, 'the command', configVarReads) }, true),
  });
  // The root project and each installed package (dbt_packages/*), each with its own vars.
  const unrenderedRoots = projectRoots(projectRoot, unrendered, { versionCheck: options.versionCheck });
  onRoots(unrenderedRoots);
  const varsByPackage = packageVars(unrenderedRoots, options.vars ?? {});
  const vars = varsByPackage.get(unrendered.name)!;

  // Config values in project.yml and schema YAML may use Jinja, as in dbt (`+schema: "{{ env_var('S', 'x') }}"`).
  const yamlRenderer = (pkgVars: Readonly<Record<string, unknown>>) => {
    const templateGlobals = {
      target: targetForTemplates(target),
      var: (...args: unknown[]) => {
        const { name, given, fallback } = nameAndDefault(args);
        configVarReads.add(name);
        if (name in pkgVars) return pkgVars[name];
        if (given) return fallback;
        raiseInTemplate(new ProjectError('missing_var', `Required var '${name}' not found in config:\nVars supplied to <Configuration> = ${JSON.stringify(pkgVars, null, 2)}`, { hint: `Set it under 'vars:' in the project file (dbt_project.yml or project.yml), or pass --vars '{${name}: value}'.` }));
      },
    };
    return (text: string, file: string, extra: Readonly<Record<string, unknown>> = {}) =>
      text.includes('{{') || text.includes('{%') ? renderProfileString(text, file, env, { ...templateGlobals, ...extra }) : text;
  };
  const renderYamlOf = new Map(unrenderedRoots.map((r) => [r.name, yamlRenderer(varsByPackage.get(r.name)!)]));
  const projectFile = withRenderedConfig(unrendered, (text) => renderYamlOf.get(unrendered.name)!(text, unrendered.file));
  const roots: ProjectRoot[] = unrenderedRoots.map((r) =>
    r.relDir === ''
      ? { ...r, projectFile, unrendered: { projectFile: unrendered } }
      : { ...r, root: projectFile, projectFile: withRenderedConfig(r.projectFile, (text) => renderYamlOf.get(r.name)!(text, r.projectFile.file)), unrendered: { projectFile: r.projectFile, root: unrendered } },
  );

  const readProjectElapsed = (performance.now() - started) / 1000;
  const macroFiles = [...roots.flatMap((r) => readMacroFiles(r)), ...packageMacroFiles(roots.slice(1).map((r) => r.name)), ...builtinMacroFiles()];
  const contextOptions = {
    projectName: projectFile.name,
    dbtVersion: dbtVersionFor(projectFile.requireDbtVersion),
    vars,
    varsByPackage,
    target: targetForTemplates(target),
    flags: { FULL_REFRESH: options.fullRefresh === true, ...(options.which ? { WHICH: options.which } : {}) },
    invocationId: options.invocationId ?? '',
    env,
  };
  const search = { dispatch: projectFile.dispatch, dependencies: roots.slice(1).map((r) => r.name) };
  const renderer = new Renderer({ ...contextOptions, onLog }, macroFiles, search);
  // Worker threads build the same Renderer (load/parse-pool.ts).
  const workers = { init: { options: { ...contextOptions, env: { ...rawEnv } }, macroFiles, search }, threads: options.parseThreads ?? threadsFromEnv(env.TSDBT_PARSE_THREADS), workerRendered: 0 };
  return { env, unrendered, target, vars, renderYamlOf, projectFile, roots, macroFiles, renderer, workers, readProjectElapsed, configVarReads };
}

/**
 * The vars each project's nodes see (dbt's ModelConfiguredVar): --vars, then the root project's
 * vars scoped to the package (`vars: {pkg: {k: v}}`), the root's global vars, then the package's
 * own vars scoped to itself and its global vars. Scoped vars win over global ones wherever written.
 */
function packageVars(roots: readonly ProjectRoot[], cliVars: Readonly<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const forPackage = (pf: ProjectFile, pkg: string) => {
    const global: Record<string, unknown> = {};
    let scoped: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pf.vars)) {
      if (k === pkg && isMapping(v)) scoped = v;
      else if (!(isMapping(v) && roots.some((r) => r.name === k))) global[k] = v;
    }
    return { ...global, ...scoped };
  };
  const rootFile = roots[0]!.projectFile;
  return new Map(
    roots.map((r) => [r.name, r.relDir === '' ? { ...forPackage(rootFile, r.name), ...cliVars } : { ...forPackage(r.projectFile, r.name), ...forPackage(rootFile, r.name), ...cliVars }]),
  );
}

function withRenderedConfig(pf: ProjectFile, render: (text: string) => string): ProjectFile {
  const tree = (t: Readonly<Record<string, unknown>>) => renderConfigValues(t, render) as Record<string, unknown>;
  return { ...pf, modelsConfig: tree(pf.modelsConfig), seedsConfig: tree(pf.seedsConfig), snapshotsConfig: tree(pf.snapshotsConfig), unitTestsConfig: tree(pf.unitTestsConfig), testsConfig: tree(pf.testsConfig), sourcesConfig: tree(pf.sourcesConfig), functionsConfig: tree(pf.functionsConfig), semanticConfigs: { exposure: tree(pf.semanticConfigs.exposure), metric: tree(pf.semanticConfigs.metric), semantic_model: tree(pf.semanticConfigs.semantic_model), saved_query: tree(pf.semanticConfigs.saved_query) } };
}

function threadsFromEnv(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

export function targetForTemplates(target: TargetConfig): Record<string, unknown> {
  const shown = describeTarget(target);
  delete shown.password;
  // dbt's target.type is the adapter: ClickHouse's SQL on the embedded engine too (packages test
  // `target.type == 'clickhouse'` to pick their ClickHouse SQL, e.g. dbt_project_evaluator's vars).
  return { ...shown, type: 'clickhouse', profile_name: target.profileName, target_name: target.name, database: target.schema };
}
