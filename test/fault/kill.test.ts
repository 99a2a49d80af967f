import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/*
 * kill -9 of a real tsdbt process on the embedded engine, in the middle of a statement (the engine
 * dies with it): what ClickHouse itself leaves (`_tmp_replace_*` of a CREATE … AS SELECT) is gone
 * after the next run, and the target holds its old rows or its new ones. The test process never
 * opens this warehouse: every step is a CLI process of its own.
 */
const dir = mkdtempSync(join(tmpdir(), 'tsdbt-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function cli(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', dir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function rows<T>(sql: string): T[] {
  const r = cli('show', '--inline', sql, '--output', 'json', '--limit', '-1');
  expect(r.code, r.out).toBe(0);
  return JSON.parse(r.out).show as T[];
}

/**
 * Starts `tsdbt run --debug` and SIGKILLs it `ms` after the model's slow CREATE … AS SELECT was
 * sent (`--debug` logs each statement as it goes out). Timing from the START line instead let a
 * loaded machine kill the run before the CREATE began, leaving no staging relation to test.
 */
async function killMidStatement(marker: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'run', '--debug', '--project-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let armed = false;
  const watch = (d: Buffer): void => {
    out += String(d);
    if (!armed && out.includes(marker)) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), ms);
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  expect(child.signalCode, out).toBe('SIGKILL');
}

describe('kill -9 in the middle of a statement (embedded engine)', () => {
  it("leaves nothing the next run does not remove, ClickHouse's _tmp_replace_* included, and the old rows or the new ones", async () => {
    write({
      'project.yml': 'name: k\nprofile: k\n',
      'profiles.yml': `k:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(dir, 'warehouse')}\n      schema: s\n      threads: 1\n`,
      'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(3)",
    });
    expect(cli('run').code).toBe(0);
    // ≥ 4 s of CREATE … AS SELECT (longer on a loaded machine), killed 1 s after it was sent.
    write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n, sleepEachRow(0.002) as z from numbers(2000) settings max_block_size = 10" });
    await killMidStatement('CREATE TABLE', 1000);
    const left = rows<{ name: string }>("select name from system.tables where database = 's' order by name").map((r) => r.name);
    expect(left.filter((n) => n !== 't').length, `the kill left no staging relation: ${left.join(', ')}`).toBeGreaterThan(0);
    expect(rows("select count() as c from s.t")).toEqual([{ c: 3 }]); // the old rows
    write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(5)" });
    expect(cli('run').code).toBe(0);
    // Before: `_tmp_replace_<hex>_<hex>` stayed for good (11 after 40 kills).
    expect(rows<{ name: string }>("select name from system.tables where database = 's' order by name")).toEqual([{ name: 't' }]);
    expect(rows("select count() as c from s.t")).toEqual([{ c: 5 }]);
  }, 60_000);
});
