import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { projectFiles, STEPS, VARIANTS } from './scenario.js';

/*
 * Real killed processes: a tsdbt process SIGKILLs itself right after each statement of a snapshot
 * run that writes (a kill after a read leaves what the write before it left), on the embedded
 * engine; the next process runs the snapshot again. The snapshot's history must equal a clean
 * run's, with no temporary left. Only child processes open this file's warehouse (chDB: one
 * process per data directory); each child first checks the previous one's kill, then restores
 * the state before the run under test and runs it with the next kill point.
 */
const WAREHOUSE = join(tmpdir(), `tsdbt-snapshot-kill-${process.pid}`);
const CHILD = join(import.meta.dirname, 'kill-child.mjs');
let p: InlineProject;
afterAll(() => {
  p?.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

type Phase = { kind: 'sql'; sql: readonly string[] } | { kind: 'snapshot'; time: string; killAfter?: number } | { kind: 'dump' };
type Said = { status?: string; writes?: number[]; history?: string[]; tables?: string[] };

function child(phases: readonly Phase[]): { said: Said[]; signal: NodeJS.Signals | null; stderr: string } {
  const job = { projectDir: p.dir, schema: p.schema, phases: phases.map((ph) => (ph.kind === 'sql' ? { ...ph, sql: ph.sql.map((q) => q.replaceAll('{s}', p.schema)) } : ph)) };
  const r = spawnSync(process.execPath, [CHILD, JSON.stringify(job)], { encoding: 'utf8', timeout: 60_000 });
  return { said: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Said), signal: r.signal, stderr: r.stderr };
}

const underTest = STEPS[2]!.time;
const restore: Phase = { kind: 'sql', sql: ['DROP TABLE IF EXISTS {s}.snap SYNC', 'CREATE TABLE {s}.snap AS {s}.saved_snap', 'INSERT INTO {s}.snap SELECT * FROM {s}.saved_snap'] };

describe('a snapshot run killed after any statement that writes (real processes)', () => {
  it(`${VARIANTS[0]!.name}: the next process's history equals a clean run's`, () => {
    p = inlineProject(projectFiles(VARIANTS[0]!));
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n      threads: 2\n` });
    const prepared = child([
      { kind: 'sql', sql: ['CREATE DATABASE IF NOT EXISTS {s}', ...STEPS[0]!.sql] },
      { kind: 'snapshot', time: STEPS[0]!.time },
      { kind: 'sql', sql: STEPS[1]!.sql },
      { kind: 'snapshot', time: STEPS[1]!.time },
      { kind: 'sql', sql: [...STEPS[2]!.sql, 'CREATE TABLE {s}.saved_snap AS {s}.snap', 'INSERT INTO {s}.saved_snap SELECT * FROM {s}.snap'] },
    ]);
    expect(prepared.said.map((s) => s.status), prepared.stderr).toEqual(['success: OK 10 rows', 'success: OK 4 inserted, 4 closed']);
    // The clean run under test, in a fresh process as every later one (its statements, probes included).
    const reference = child([restore, { kind: 'snapshot', time: underTest }, { kind: 'dump' }]);
    expect(reference.said[0]?.status, reference.stderr).toBe('success: OK 3 inserted, 3 closed');
    const writes = reference.said[0]!.writes!;
    const clean = reference.said[1]!;
    expect(writes.length).toBeGreaterThan(5);
    let previous: number | undefined;
    for (const k of [...writes, undefined]) {
      // Check the previous kill (a new process runs the snapshot again), then kill after statement k.
      const phases: Phase[] = previous === undefined ? [] : [{ kind: 'snapshot', time: underTest }, { kind: 'dump' }];
      if (k !== undefined) phases.push(restore, { kind: 'snapshot', time: underTest, killAfter: k });
      const run = child(phases);
      if (previous !== undefined) {
        expect(run.said[0]?.status, `the run after a kill at write ${previous}: ${run.stderr}`).toMatch(/^success: /);
        expect(run.said[1]?.history, `kill after write ${previous}`).toEqual(clean.history);
        expect(run.said[1]?.tables, `kill after write ${previous}`).toEqual(['fact', 'saved_snap', 'snap']);
      }
      if (k !== undefined) expect(run.signal, `kill after write ${k}: ${run.stderr}`).toBe('SIGKILL');
      previous = k;
    }
  }, 600_000);
});
