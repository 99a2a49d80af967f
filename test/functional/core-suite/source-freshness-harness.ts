import { afterAll, beforeAll, expect } from 'vitest';
import { dbtProject, type DbtCase, type DbtProject } from '../adapter-suite/dbt-project.js';
import * as F from './sources-fixtures.js';

/*
 * dbt-core tests/functional/sources/test_source_freshness.py's and test_source_fresher_state.py's
 * SuccessfulSourceFreshnessTest (branch 1.10.latest): the seeded `source` table (newest updated_at
 * 2016-09-19 14:45:51), rows inserted hours ago, `source freshness` with the vars, sources.json's fields.
 */
const { MODELS, SEEDS, PROJECT } = F;

const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const k of ['DBT_TEST_SCHEMA_NAME_VARIABLE', 'DBT_ENV_CUSTOM_ENV_key']) saved[k] = process.env[k];
  process.env.DBT_TEST_SCHEMA_NAME_VARIABLE = 'test_run_schema';
  process.env.DBT_ENV_CUSTOM_ENV_key = 'value';
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

export const withVars = (p: DbtProject, args: string[]) => [...args, '--vars', JSON.stringify({ test_run_schema: p.schema, test_loaded_at: '`updated_at`' })];

export interface Fresh {
  readonly p: DbtProject;
  /** dbt's _set_updated_at_to: one row loaded `hours` from now (negative: ago). */
  insertAt(hours: number): Promise<void>;
  /** The max_loaded_at sources.json should show (the seed's newest row at first). */
  lastInserted(): string;
  /** `source freshness` with the vars; sources.json (or the `-o` file) read back. */
  freshness(args?: string[], expectPass?: boolean | null, output?: string): Promise<{ out: string[]; data: any; results: any[] }>;
}

/** SuccessfulSourceFreshnessTest: the seeds loaded, ids of inserted rows from 101. */
export async function successful(c: Partial<DbtCase> = {}): Promise<Fresh> {
  const p = dbtProject({ models: MODELS, seeds: SEEDS, macros: { 'macro.sql': F.MACROS_MACRO_SQL }, ...c, projectConfig: `${PROJECT}${c.projectConfig ?? ''}` });
  await p.dbt(withVars(p, ['seed']));
  let id = 101;
  let last = '2016-09-19T14:45:51+00:00';
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    p,
    async insertAt(hours) {
      const t = new Date(Date.now() + hours * 3600_000);
      const text = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
      const cols = ['favorite_color', 'id', 'first_name', 'email', 'ip_address', 'updated_at'].map((c) => `\`${c}\``).join(',');
      await p.query(`INSERT INTO \`${p.schema}\`.\`source\` (${cols}) VALUES ('blue',${id++},'Jake','abc@example.com','192.168.1.1','${text}')`);
      last = `${text.replace(' ', 'T')}+00:00`;
    },
    lastInserted: () => last,
    async freshness(args = [], expectPass = true, output) {
      const r = await p.dbt(withVars(p, ['source', 'freshness', ...args]), { expectPass });
      const data = p.readJson(output ?? 'target/sources.json');
      return { out: r.out, data, results: data.results };
    },
  };
}

export const byName = (results: any[]) => Object.fromEntries(results.map((r) => [r.unique_id.split('.').at(-1), r.status]));

/** _assert_freshness_results: the file's keys and metadata, one result of `status` for test_table. */
export function assertFreshnessResults(f: Fresh, data: any, status: string, startedAt: Date) {
  expect(new Set(Object.keys(data))).toEqual(new Set(['metadata', 'results', 'elapsed_time']));
  expect(typeof data.elapsed_time).toBe('number');
  expect(data.metadata.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
  expect(new Date(data.metadata.generated_at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
  expect(data.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
  expect(data.metadata.env).toEqual({ key: 'value' });
  expect(data.results).toHaveLength(1);
  const [r] = data.results;
  expect(r).toEqual({
    unique_id: 'source.test.test_source.test_table',
    max_loaded_at: f.lastInserted(),
    snapshotted_at: expect.any(String),
    max_loaded_at_time_ago_in_s: expect.any(Number),
    status,
    criteria: { filter: null, warn_after: { count: 10, period: 'hour' }, error_after: { count: 18, period: 'hour' } },
    adapter_response: expect.any(Object),
    thread_id: expect.stringContaining('Thread-'),
    execution_time: expect.any(Number),
    timing: [
      { name: 'compile', started_at: expect.any(String), completed_at: expect.any(String) },
      { name: 'execute', started_at: expect.any(String), completed_at: expect.any(String) },
    ],
  });
}

