import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../shared/errors.js';
import type { DispatchEntry } from '../render/macro-registry.js';
import { parseVersion, versionsCompatible } from '../shared/semver.js';
import { readYamlFile, type YamlFile } from '../shared/yaml-file.js';

/** What project.yml (or a dbt_project.yml) says, with dbt's defaults filled in. */
export interface ProjectFile {
  readonly file: string;
  readonly name: string;
  readonly profile: string;
  readonly modelPaths: readonly string[];
  readonly macroPaths: readonly string[];
  readonly testPaths: readonly string[];
  readonly seedPaths: readonly string[];
  readonly snapshotPaths: readonly string[];
  /** `docs-paths`: where `{% docs %}` blocks are read from (`.md` files; dbt's default: every resource path). */
  readonly docsPaths: readonly string[];
  readonly targetPath: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Folder-level config trees (`models:`, `seeds:`, `snapshots:`, `data_tests:`), keyed by project then folders. */
  readonly modelsConfig: Readonly<Record<string, unknown>>;
  readonly seedsConfig: Readonly<Record<string, unknown>>;
  readonly snapshotsConfig: Readonly<Record<string, unknown>>;
  /** `unit_tests:` in dbt_project.yml: +enabled, +tags, +meta by folder and model (fqn: project, folders, model, test). */
  readonly unitTestsConfig: Readonly<Record<string, unknown>>;
  readonly testsConfig: Readonly<Record<string, unknown>>;
  /** `sources:` in dbt_project.yml: +enabled, +tags, +meta… by project, folders, source and table (a source's fqn). */
  readonly sourcesConfig: Readonly<Record<string, unknown>>;
  /** `exposures:`, `metrics:`, `semantic-models:`, `saved-queries:` in dbt_project.yml (+enabled, +tags, +meta by fqn), by resource type. */
  readonly semanticConfigs: Readonly<Record<'exposure' | 'metric' | 'semantic_model' | 'saved_query', Readonly<Record<string, unknown>>>>;
  /** `require-dbt-version`: version specs that must all admit DBT_VERSION (empty: any). */
  readonly requireDbtVersion: readonly string[];
  /** `dispatch:` — where adapter.dispatch looks for each macro namespace (read from the root project only). */
  readonly dispatch: readonly DispatchEntry[];
  /** `packages-install-path` (default dbt_packages): where tsdbt deps installs packages. */
  readonly packagesInstallPath: string;
  /** `on-run-start` / `on-run-end`: SQL run before and after run, build, seed, snapshot and test (kept raw: rendered when they run). */
  readonly onRunStart: readonly string[];
  readonly onRunEnd: readonly string[];
  /** `clean-targets`: the folders `tsdbt clean` deletes (default: the target path, as dbt). */
  readonly cleanTargets: readonly string[];
  /** `analysis-paths` (default analyses). */
  readonly analysisPaths: readonly string[];
  /** `function-paths` (dbt 1.11, default functions): user-defined functions' files. */
  readonly functionPaths: readonly string[];
  /** `functions:` in dbt_project.yml: +schema, +volatility, +type… by project and folders. */
  readonly functionsConfig: Readonly<Record<string, unknown>>;
  /** `asset-paths`: folders `docs generate` copies into the target folder (images the docs link to). */
  readonly assetPaths: readonly string[];
  /**
   * `flags:` (dbt 1.8+): defaults of command flags (`fail_fast`, `warn_error`…) and behaviour flags
   * (`skip_nodes_if_on_run_start_fails`…), as written; read from the root project only.
   */
  readonly flags: Readonly<Record<string, unknown>>;
  /** `restrict-access` (dbt 1.6): this project's protected models may be ref'd only from inside it. */
  readonly restrictAccess?: boolean;
  /** `query-comment` as written (absent: undefined, dbt's default comment; null: none); execute/query-comments.ts reads it. */
  readonly queryComment?: unknown;
  readonly yaml: YamlFile;
}

export const PROJECT_FILE_NAMES = ['project.yml', 'dbt_project.yml'] as const;

export function findProjectFile(projectRoot: string): string {
  const found = PROJECT_FILE_NAMES.filter((name) => existsSync(join(projectRoot, name)));
  // Two project files would mean one is silently ignored: its name, vars or configs never apply.
  if (found.length > 1)
    throw new ProjectError('project_file', `Both project.yml and dbt_project.yml are in ${projectRoot}: tsdbt would read only one of them`, {
      file: 'dbt_project.yml',
      hint: 'Keep one: dbt_project.yml (what dbt reads too) or project.yml, and merge what the other says into it.',
    });
  if (found.length === 1) return found[0]!;
  throw new ProjectError('no_project', `No project.yml or dbt_project.yml in ${projectRoot}`, {
    hint: 'Run tsdbt from the project folder, or pass --project-dir.',
  });
}

export function readProjectFile(projectRoot: string): ProjectFile {
  const name = findProjectFile(projectRoot);
  const yaml = readYamlFile(join(projectRoot, name), name);
  const data = yaml.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ProjectError('project_file', `${name} must be a mapping of keys`, { file: name, line: 1, hint: "Write it as keys and values: 'name: my_project', 'profile: my_project', …" });
  const d = data as Record<string, unknown>;
  // A key of the wrong shape is an error, not a silent default (`model-paths: 5` would read models/).
  const list = (key: string, fallback: string[]): string[] => {
    const value = d[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    throw new ProjectError('project_file', `'${key}' must be a list of folders`, { file: name, line: yaml.lineOf([key]), hint: `Write e.g. ${key}: ["${fallback[0] ?? key}"].` });
  };
  const hookList = (key: string): string[] => {
    const value = d[key];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    throw new ProjectError('project_file', `'${key}' must be a SQL statement or a list of them`, { file: name, line: yaml.lineOf([key]), hint: `Write e.g. ${key}: ["grant usage on schema {{ target.schema }} to reporter"].` });
  };
  const paths = (key: string, old: string, fallback: string[]) => (d[key] !== undefined ? list(key, fallback) : list(old, fallback));
  if (typeof d.name !== 'string' || !/^[A-Za-z_][\w]*$/.test(d.name))
    throw new ProjectError('project_file', `${name} needs a 'name' made of letters, digits and underscores`, {
      file: name,
      line: yaml.lineOf(['name']),
      hint: "Add e.g. 'name: my_project' at the top of the file.",
    });
  const obj = (key: string): Record<string, unknown> => {
    const v = d[key];
    if (v === undefined || v === null) return {};
    if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    throw new ProjectError('project_file', `'${key}' must be a mapping`, { file: name, line: yaml.lineOf([key]), hint: `Write it as keys under '${key}:' (e.g. '${key}:' then '  my_key: value' on the next line).` });
  };
  return {
    file: name,
    name: d.name,
    profile: typeof d.profile === 'string' ? d.profile : d.name,
    modelPaths: paths('model-paths', 'source-paths', ['models']),
    macroPaths: list('macro-paths', ['macros']),
    testPaths: list('test-paths', ['tests']),
    seedPaths: paths('seed-paths', 'data-paths', ['seeds']),
    snapshotPaths: list('snapshot-paths', ['snapshots']),
    docsPaths: list('docs-paths', [
      ...paths('model-paths', 'source-paths', ['models']),
      ...paths('seed-paths', 'data-paths', ['seeds']),
      ...list('snapshot-paths', ['snapshots']),
      ...list('analysis-paths', ['analyses']),
      ...list('function-paths', ['functions']),
      ...list('macro-paths', ['macros']),
      ...list('test-paths', ['tests']),
    ]),
    targetPath: typeof d['target-path'] === 'string' ? d['target-path'] : 'target',
    cleanTargets: list('clean-targets', [typeof d['target-path'] === 'string' ? d['target-path'] : 'target']),
    analysisPaths: list('analysis-paths', ['analyses']),
    functionPaths: defaultFunctionPaths(d['function-paths'] !== undefined, list('function-paths', ['functions']), versionList(d['require-dbt-version'], name, yaml), [
      ...paths('model-paths', 'source-paths', ['models']), ...list('macro-paths', ['macros']), ...list('test-paths', ['tests']),
      ...paths('seed-paths', 'data-paths', ['seeds']), ...list('snapshot-paths', ['snapshots']), ...list('analysis-paths', ['analyses']),
    ]),
    assetPaths: list('asset-paths', []),
    vars: obj('vars'),
    modelsConfig: obj('models'),
    seedsConfig: obj('seeds'),
    snapshotsConfig: obj('snapshots'),
    unitTestsConfig: obj('unit_tests'),
    testsConfig: d.data_tests !== undefined ? obj('data_tests') : obj('tests'),
    sourcesConfig: obj('sources'),
    functionsConfig: obj('functions'),
    semanticConfigs: { exposure: obj('exposures'), metric: obj('metrics'), semantic_model: obj('semantic-models'), saved_query: obj('saved-queries') },
    requireDbtVersion: versionList(d['require-dbt-version'], name, yaml),
    dispatch: dispatchEntries(d.dispatch, name, yaml),
    packagesInstallPath: typeof d['packages-install-path'] === 'string' ? d['packages-install-path'] : 'dbt_packages',
    onRunStart: hookList('on-run-start'),
    onRunEnd: hookList('on-run-end'),
    flags: obj('flags'),
    ...(d['restrict-access'] === true ? { restrictAccess: true } : {}),
    ...(Object.hasOwn(d, 'query-comment') ? { queryComment: d['query-comment'] } : {}),
    yaml,
  };
}

/**
 * dbt 1.11's function-paths. Unset, it is `functions` — unless a project written for an earlier dbt
 * keeps other resources there (`macro-paths: [macros, functions]`): its files are then not functions;
 * or says it is for an earlier dbt (require-dbt-version admitting no 1.11 or later, e.g. "<1.11.0"):
 * dbt 1.10 never read the folder (DBA scripts, notes…), and dbt 1.11 refuses such a project anyway.
 */
function defaultFunctionPaths(explicit: boolean, paths: string[], requireDbtVersion: readonly string[], otherPaths: readonly string[]): string[] {
  if (explicit) return paths;
  if (requireDbtVersion.length && !versionsCompatible(['>=1.11.0', ...requireDbtVersion])) return [];
  const folder = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
  const taken = new Set(otherPaths.map(folder));
  return paths.filter((p) => !taken.has(folder(p)));
}

/**
 * dbt's all_source_paths: the folders a project's resources and YAML files are found under (models,
 * seeds, snapshots, analyses, tests, macros, functions), normalised (no `./`, no trailing slash).
 */
export function resourceFolders(pf: ProjectFile): string[] {
  const all = [pf.modelPaths, pf.seedPaths, pf.snapshotPaths, pf.analysisPaths, pf.testPaths, pf.macroPaths, pf.functionPaths].flat();
  return [...new Set(all.map((p) => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '')).filter((p) => p !== '' && p !== '.'))];
}

/** The keys naming folders, as dbt renders them (`target-path: "target_{{ env_var('RUN') }}"`). */
const PATH_KEYS = ['targetPath', 'packagesInstallPath', 'modelPaths', 'macroPaths', 'testPaths', 'seedPaths', 'snapshotPaths', 'docsPaths', 'analysisPaths', 'functionPaths', 'assetPaths', 'cleanTargets'] as const;

const hasJinja = (text: string) => text.includes('{{') || text.includes('{%');

/**
 * `pf` with the Jinja in its folder keys rendered by `render` (dbt's DbtProjectYamlRenderer renders
 * every dbt_project.yml value but vars, hooks and query-comment when it reads the project: env_var(),
 * --vars, `modules`); `pf` itself when none has Jinja (the other values are rendered where they are read).
 */
export function withRenderedPaths(pf: ProjectFile, render: (text: string) => string): ProjectFile {
  const templated = (v: string | readonly string[]) => (typeof v === 'string' ? hasJinja(v) : v.some(hasJinja));
  if (!PATH_KEYS.some((k) => templated(pf[k]))) return pf;
  const out: Record<string, unknown> = { ...pf };
  for (const k of PATH_KEYS) {
    const v = pf[k];
    out[k] = typeof v === 'string' ? (hasJinja(v) ? render(v).trim() : v) : v.map((x) => (hasJinja(x) ? render(x).trim() : x));
  }
  return out as unknown as ProjectFile;
}

/** dbt's _parse_versions: a list of specs, or one string of comma-separated specs. */
function versionList(value: unknown, file: string, yaml: YamlFile): string[] {
  if (value === undefined || value === null) return [];
  const specs = Array.isArray(value) ? value.map(String) : String(value).split(',');
  for (const spec of specs)
    try {
      parseVersion(spec);
    } catch (error) {
      throw new ProjectError('project_file', `require-dbt-version: ${(error as Error).message}`, {
        file,
        line: yaml.lineOf(['require-dbt-version']),
        hint: 'Write versions as e.g. [">=1.3.0", "<2.0.0"].',
      });
    }
  return specs.map((s) => s.trim());
}

function dispatchEntries(value: unknown, file: string, yaml: YamlFile): DispatchEntry[] {
  if (value === undefined || value === null) return [];
  const bad = (i?: number) =>
    new ProjectError('project_file', `dispatch: each entry needs a 'macro_namespace' (a package name) and a 'search_order' (a list of package names)`, {
      file,
      line: yaml.lineOf(i === undefined ? ['dispatch'] : ['dispatch', i]),
      hint: "Write e.g. dispatch: [{macro_namespace: dbt_utils, search_order: ['my_project', 'dbt_utils']}].",
    });
  if (!Array.isArray(value)) throw bad();
  return value.map((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e.macro_namespace !== 'string' || !Array.isArray(e.search_order) || !e.search_order.every((p) => typeof p === 'string')) throw bad(i);
    return { macroNamespace: e.macro_namespace, searchOrder: e.search_order as string[] };
  });
}
