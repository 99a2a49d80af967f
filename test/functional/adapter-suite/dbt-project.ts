import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { TsdbtProject } from '@tsdbt/core';
import { parse as parseYaml } from 'yaml';
import { buildProgram } from '../../../packages/cli/dist/program.js';
import { hoistLeadingFlags } from '../../../packages/cli/dist/global-flags.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * The harness of dbt-tests-adapter (dbt/tests/util.py, dbt/tests/fixtures/project.py), for tsdbt:
 * a dbt project written as dbt users write it (dbt_project.yml, a plain profiles.yml, models/,
 * seeds/, tests/, snapshots/, macros/ folders), and `runDbt(['seed'])` runs the CLI in this process
 * as dbt's `run_dbt` runs dbtRunner: the command line a user types, results read from
 * target/run_results.json. The CLI and the queries here both use the built @tsdbt/core (one copy
 * of the engine in the process, as a user has).
 */

export interface DbtCase {
  readonly models?: Record<string, string>;
  readonly seeds?: Record<string, string>;
  readonly tests?: Record<string, string>;
  readonly snapshots?: Record<string, string>;
  readonly macros?: Record<string, string>;
  readonly analyses?: Record<string, string>;
  /** dbt 1.11's functions/ folder (UDFs). */
  readonly functions?: Record<string, string>;
  /** Extra top-level keys of dbt_project.yml, as YAML text (e.g. `models:\n  +materialized: table`). */
  readonly projectConfig?: string;
  /** Files at other paths of the project. */
  readonly files?: Record<string, string>;
}

export interface DbtResult {
  readonly code: number;
  readonly out: string[];
  /** target/run_results.json `results` of this command (empty when it wrote none). */
  readonly results: { unique_id: string; status: string; message: string | null; failures: number | null; adapter_response?: Record<string, unknown> }[];
}

export interface DbtProject {
  readonly dir: string;
  /** The target schema (a ClickHouse database), as dbt's `project.test_schema`. */
  readonly schema: string;
  write(files: Record<string, string>): void;
  remove(path: string): void;
  /** Runs `dbt <args>`; fails the test when the exit code is not 0 (or is 0 with `expectPass: false`), as run_dbt. */
  dbt(args: string[], options?: { expectPass?: boolean | null }): Promise<DbtResult>;
  /** Rows of a query (`{schema}` is replaced by the test schema). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** One relation's rows ordered by every column, for dbt's check_relations_equal. */
  rows(relation: string, columns?: string[]): Promise<unknown[][]>;
  /** dbt's check_relation_types: 'table' | 'view' | … per relation name. */
  relationTypes(names: string[]): Promise<Record<string, string | undefined>>;
  readJson<T = any>(path: string): T;
}

const PROFILE = 'test';
let counter = 0;
const FILE_TOKEN = Math.random().toString(36).slice(2, 6);
const open: DbtProject[] = [];
let queryProject: { dir: string; project: TsdbtProject } | undefined;

afterEach(async () => {
  if (queryProject) await queryProject.project.close().catch(() => {});
  queryProject = undefined;
  for (const p of open.splice(0)) rmSync(p.dir, { recursive: true, force: true });
});

/** A dbt project of the upstream case's files; removed after the test. */
export function dbtProject(c: DbtCase): DbtProject {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-adapter-suite-'));
  const schema = `as${process.pid}_${FILE_TOKEN}_${++counter}`;
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  const under = (folder: string, files: Record<string, string> = {}) => Object.fromEntries(Object.entries(files).map(([k, v]) => [`${folder}/${k}`, v]));
  write({
    'dbt_project.yml': `name: test\nprofile: ${PROFILE}\nconfig-version: 2\n${c.projectConfig ?? ''}\n`,
    'profiles.yml': `${PROFILE}:\n  target: default\n  outputs:\n    default:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 4\n`,
    ...under('models', c.models),
    ...under('seeds', c.seeds),
    ...under('tests', c.tests),
    ...under('snapshots', c.snapshots),
    ...under('macros', c.macros),
    ...under('analyses', c.analyses),
    ...under('functions', c.functions),
    ...c.files,
  });
  mkdirSync(join(dir, 'models'), { recursive: true });

  let lastVars: Record<string, unknown> | undefined;
  const queries = async (): Promise<TsdbtProject> => {
    if (queryProject?.dir !== dir) {
      if (queryProject) await queryProject.project.close().catch(() => {});
      // The project may need the --vars of the last command to load (a `var()` without default).
      queryProject = { dir, project: TsdbtProject.open({ projectDir: dir, vars: lastVars }) };
    }
    return queryProject.project;
  };
  const query = async <T,>(sql: string): Promise<T[]> => {
    const client = (await (await queries()).adapter()).client;
    const text = sql.replaceAll('{schema}', schema);
    // Statements without a result (dbt's run_sql(fetch=None)) go as commands.
    if (/^\s*(insert|alter|create|drop|truncate|rename|delete|update|system|optimize)\b/i.test(text)) return void (await client.command(text)) ?? [];
    return client.query<T>(text);
  };

  const project: DbtProject = {
    dir,
    schema,
    write,
    remove: (path) => rmSync(join(dir, path), { recursive: true, force: true }),
    async dbt(args, options = {}) {
      // The queries' project reads a manifest that the command may change: let it go first.
      if (queryProject) await queryProject.project.close().catch(() => {});
      queryProject = undefined;
      const varsAt = args.indexOf('--vars');
      if (varsAt >= 0) lastVars = parseYaml(args[varsAt + 1]!) as Record<string, unknown>;
      const resultsPath = join(dir, 'target', 'run_results.json');
      // The last command's results stay for `retry` to read (as dbt leaves them); this command's are
      // those of another invocation.
      const invocationOf = () => (existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')).metadata?.invocation_id : undefined);
      const before = invocationOf();
      const out: string[] = [];
      const io = { out: (l: string) => void out.push(l), err: (l: string) => void out.push(l), isTty: false };
      const { program, exitCode } = await buildProgram(io);
      let code: number;
      try {
        // The project's folder unless the command names another (dbt's `--project-dir custom`).
        const projectDir = args.includes('--project-dir') ? [] : ['--project-dir', dir];
        await program.parseAsync(hoistLeadingFlags(['node', 'tsdbt', ...args, ...projectDir], program));
        code = exitCode();
      } catch (error) {
        out.push(String((error as Error)?.message ?? error));
        code = (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
      }
      // `expectPass: null`: either (the caller checks the results itself).
      const expectPass = options.expectPass === undefined ? true : options.expectPass;
      if (expectPass !== null) expect(code === 0, `dbt ${args.join(' ')} exited ${code}:\n${out.join('\n')}`).toBe(expectPass);
      const results = existsSync(resultsPath) && invocationOf() !== before ? JSON.parse(readFileSync(resultsPath, 'utf8')).results : [];
      return { code, out, results };
    },
    query,
    async rows(relation, columns) {
      const cols = columns ?? (await query<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${schema}' AND table = '${relation}' ORDER BY position`)).map((r) => r.name);
      const list = cols.map((c) => `\`${c}\``).join(', ');
      const rows = await query<Record<string, unknown>>(`SELECT ${list} FROM \`${schema}\`.\`${relation}\` ORDER BY ${list}`);
      return rows.map((r) => cols.map((c) => r[c]));
    },
    async relationTypes(names) {
      const rows = await query<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = '${schema}'`);
      const kind = (engine: string) => (engine === 'View' ? 'view' : engine === 'MaterializedView' ? 'materialized_view' : engine === 'Dictionary' ? 'dictionary' : 'table');
      return Object.fromEntries(names.map((n) => [n, rows.find((r) => r.name === n) ? kind(rows.find((r) => r.name === n)!.engine) : undefined]));
    },
    readJson: (path) => JSON.parse(readFileSync(join(dir, path), 'utf8')),
  };
  open.push(project);
  return project;
}

/** dbt's check_relations_equal: same columns, same rows. */
export async function expectRelationsEqual(p: DbtProject, names: string[], columns?: string[]): Promise<void> {
  const [first, ...rest] = names;
  const expected = await p.rows(first!, columns);
  expect(expected.length, `${first} has rows`).toBeGreaterThan(0);
  for (const name of rest) expect(await p.rows(name, columns), `${name} equals ${first}`).toEqual(expected);
}

/** Result statuses by node name (the last segment of the unique id). */
export function statusByName(results: DbtResult['results']): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.unique_id.split('.').slice(2).join('.'), r.status]));
}
