import { ProjectError } from '../shared/errors.js';
import type { ProjectFile } from './project-file.js';

/*
 * dbt's ProjectContractError: dbt_project.yml is validated against the schema of dbt's Project
 * contract (core/dbt/contracts/project.py), whose top level admits no other keys. A misspelt key
 * (`model_paths:`, `on_run_start:`) would otherwise be ignored silently. Checked after
 * require-dbt-version, as dbt's version specifier check comes first.
 */
const PROJECT_KEYS = new Set([
  'name', 'config-version', 'version', 'project-root', 'source-paths', 'model-paths', 'macro-paths', 'data-paths', 'seed-paths',
  'test-paths', 'analysis-paths', 'docs-paths', 'asset-paths', 'function-paths', 'osi-paths', 'target-path', 'snapshot-paths', 'clean-targets', 'profile', 'log-path',
  'packages-install-path', 'quoting', 'on-run-start', 'on-run-end', 'require-dbt-version', 'dispatch', 'models', 'seeds', 'snapshots',
  'analyses', 'sources', 'tests', 'data_tests', 'unit_tests', 'metrics', 'semantic-models', 'saved-queries', 'exposures', 'functions', 'vars',
  'packages', 'query-comment', 'restrict-access', 'dbt-cloud', 'flags',
]);

/** dbt's sem_ver_pattern for `version:` (a number is admitted too). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)?$/;

const py = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

export function checkProjectSchema(pf: ProjectFile): void {
  const d = pf.yaml.data as Record<string, unknown>;
  const fail = (path: string[], message: string, hint: string) =>
    new ProjectError('project_file', `Invalid ${pf.file.split('/').pop()}: at path [${path.map((p) => `'${p}'`).join(', ')}]: ${message}`, {
      file: pf.file,
      line: path.length ? pf.yaml.lineOf(path) : 1,
      hint,
    });
  const unknown = Object.keys(d).filter((k) => !PROJECT_KEYS.has(k));
  if (unknown.length)
    throw fail([], `Additional properties are not allowed (${unknown.map(py).join(', ')} ${unknown.length === 1 ? 'was' : 'were'} unexpected)`, `dbt_project.yml admits dbt's keys only (model-paths, on-run-start, vars, models, …): remove or rename ${unknown.map(py).join(', ')}.`);
  const version = d.version;
  if (version !== undefined && version !== null && typeof version !== 'number' && !(typeof version === 'string' && SEMVER.test(version)))
    throw fail(['version'], `${py(version)} is not valid under any of the given schemas`, "Write the project's version as a semantic version, e.g. version: '1.0.0'.");
  const cloud = d['dbt-cloud'];
  if (cloud !== undefined && cloud !== null && (typeof cloud !== 'object' || Array.isArray(cloud)))
    throw fail(['dbt-cloud'], `${py(cloud)} is not valid under any of the given schemas`, 'Write dbt-cloud as a mapping (project-id: …).');
}
