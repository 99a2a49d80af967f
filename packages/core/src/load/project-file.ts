import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../shared/errors.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

/** What project.yml (or a dbt_project.yml) says, with dbt's defaults filled in. */
export interface ProjectFile {
  readonly file: string;
  readonly name: string;
  readonly profile: string;
  readonly modelPaths: readonly string[];
  readonly macroPaths: readonly string[];
  readonly testPaths: readonly string[];
  readonly seedPaths: readonly string[];
  readonly targetPath: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Folder-level config trees (`models:`, `seeds:`, `data_tests:`), keyed by project then folders. */
  readonly modelsConfig: Readonly<Record<string, unknown>>;
  readonly seedsConfig: Readonly<Record<string, unknown>>;
  readonly testsConfig: Readonly<Record<string, unknown>>;
  readonly yaml: YamlFile;
}

export const PROJECT_FILE_NAMES = ['project.yml', 'dbt_project.yml'] as const;

export function findProjectFile(projectRoot: string): string {
  for (const name of PROJECT_FILE_NAMES) {
    const file = join(projectRoot, name);
    if (existsSync(file)) return name;
  }
  throw new ProjectError('no_project', `No project.yml or dbt_project.yml in ${projectRoot}`, {
    hint: 'Run tsdbt from the project folder, or pass --project-dir.',
  });
}

const list = (value: unknown, fallback: string[]): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : fallback;

export function readProjectFile(projectRoot: string): ProjectFile {
  const name = findProjectFile(projectRoot);
  const yaml = readYamlFile(join(projectRoot, name), name);
  const data = yaml.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ProjectError('project_file', `${name} must be a mapping of keys`, { file: name, line: 1 });
  const d = data as Record<string, unknown>;
  if (typeof d.name !== 'string' || !/^[A-Za-z_][\w]*$/.test(d.name))
    throw new ProjectError('project_file', `${name} needs a 'name' made of letters, digits and underscores`, {
      file: name,
      line: yaml.lineOf(['name']),
      hint: "Add e.g. 'name: my_project' at the top of the file.",
    });
  const obj = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return {
    file: name,
    name: d.name,
    profile: typeof d.profile === 'string' ? d.profile : d.name,
    modelPaths: list(d['model-paths'] ?? d['source-paths'], ['models']),
    macroPaths: list(d['macro-paths'], ['macros']),
    testPaths: list(d['test-paths'], ['tests']),
    seedPaths: list(d['seed-paths'] ?? d['data-paths'], ['seeds']),
    targetPath: typeof d['target-path'] === 'string' ? d['target-path'] : 'target',
    vars: obj(d.vars),
    modelsConfig: obj(d.models),
    seedsConfig: obj(d.seeds),
    testsConfig: obj(d.data_tests ?? d.tests),
    yaml,
  };
}
