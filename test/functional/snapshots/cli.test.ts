import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/* The CLI in child processes, one after another on a warehouse of this file (chDB: one process per directory). */
const WAREHOUSE = join(tmpdir(), `tsdbt-snapshot-cli-${process.pid}`);
const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

function project(files: Record<string, string>): InlineProject {
  const p = inlineProject(files);
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n      threads: 2\n` });
  projects.push(p);
  return p;
}

function cli(p: InlineProject, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FILES = {
  'models/orders.sql': "{{ config(materialized='table') }}\nselect toInt32(number) as id, toDateTime('2024-01-01 00:00:00') + number as updated_at from numbers(3)",
  'snapshots/orders.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}\n",
};

describe('tsdbt snapshot (CLI)', () => {
  it("prints dbt's snapshot lines: START snapshot …, OK snapshotted …", () => {
    const p = project(FILES);
    expect(cli(p, 'run').code).toBe(0);
    const r = cli(p, 'snapshot');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Found 1 model, 1 snapshot, \d+ macros/);
    expect(r.stdout).toMatch(new RegExp(`1 of 1 START snapshot ${p.schema}\\.orders_snapshot \\.+ \\[RUN\\]`));
    expect(r.stdout).toMatch(new RegExp(`1 of 1 OK snapshotted ${p.schema}\\.orders_snapshot \\.+ \\[OK 3 rows in [\\d.]+s\\]`));
    expect(cli(p, 'snapshot').stdout).toMatch(/OK snapshotted .*\[OK 0 inserted, 0 closed in/);
  });

  it('ls lists snapshots by resource type, as names or JSON', () => {
    const p = project(FILES);
    expect(cli(p, 'ls', '--resource-type', 'snapshot').stdout.trim()).toBe('proj.orders.orders_snapshot');
    const json = JSON.parse(cli(p, 'ls', '-s', 'resource_type:snapshot', '--output', 'json').stdout.trim());
    expect(json).toMatchObject({ name: 'orders_snapshot', resource_type: 'snapshot', unique_id: 'snapshot.proj.orders_snapshot', config: { strategy: 'timestamp' } });
  });

  it('a failing snapshot prints ERROR snapshotting and exits 1; --full-refresh is not a snapshot flag (exit 2)', () => {
    const p = project({ ...FILES, 'snapshots/orders.sql': FILES['snapshots/orders.sql'].replace("updated_at='updated_at'", "updated_at='no_such_column'") });
    expect(cli(p, 'run').code).toBe(0);
    const r = cli(p, 'snapshot');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`ERROR snapshotting ${p.schema}\\.orders_snapshot`));
    expect(r.stdout).toContain('no_such_column');
    expect(cli(p, 'snapshot', '--full-refresh').code).toBe(2);
  });
});
