import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineProject, queryRows } from '../../helpers/inline-project.js';

import { CLI } from '../../helpers/cli.js';

describe('Ctrl-C', () => {
  const p = inlineProject({
    // ~2 s of work: long enough to interrupt, short enough for a test.
    'models/slow.sql': "{{ config(materialized='table') }}\nselect number, sleepEachRow(0.1) as s from numbers(20) settings max_block_size = 1",
    'models/after_slow.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('slow') }}",
    'models/fast.sql': "{{ config(materialized='table') }}\nselect 1 as x",
  });
  afterAll(() => p.cleanup());

  it('stops a run cleanly: exit 2, nothing new started, no temporary relation left', async () => {
    const child = spawn(process.execPath, [CLI, 'run', '--project-dir', p.dir, '--threads', '1', '--select', 'slow+'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('START sql table model') && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
    });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
    expect(out).toContain('The run was stopped before it finished.');
    expect(out).not.toContain('START sql table model ' + p.schema + '.after_slow');
    // The interrupted build left no temporaries behind, or the next run removes them.
    const project = p.open();
    try {
      const left = await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE '%__tsdbt_tmp_%'`);
      if (left.length > 0) {
        const rerun = await project.run({ select: ['slow'] });
        expect(rerun.success).toBe(true);
        const after = await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE '%__tsdbt_tmp_%'`);
        expect(after).toEqual([]);
      }
    } finally {
      await project.close();
    }
  });

  it('cancels the statements in flight on the embedded engine instead of waiting for them, more of them than libuv has threads', async () => {
    // Six models of 120 blocks of 0.5 s each: a minute of work apiece if they were left to finish,
    // run 6 at a time (libuv's pool, which chDB's async queries use, has 4 threads).
    const minute = "{{ config(materialized='table') }}\nselect number, sleepEachRow(0.5) as s from numbers(120) settings max_block_size = 1";
    p.write(Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`models/minute_${i}.sql`, minute])));
    const child = spawn(process.execPath, [CLI, 'run', '--project-dir', p.dir, '--threads', '6', '--select', 'minute_*'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let interruptedAt = 0;
    child.stdout.on('data', (d) => {
      out += String(d);
      if ((out.match(/START sql table model/g) ?? []).length === 6 && !interruptedAt) {
        interruptedAt = Date.now() + 1000;
        setTimeout(() => child.kill('SIGINT'), 1000);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(interruptedAt).toBeGreaterThan(0);
    const project = p.open();
    try {
      expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE 'minute%'`)).toEqual([]);
    } finally {
      await project.close();
    }
  }, 120_000);
});
