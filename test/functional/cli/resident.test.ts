import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, type CliRun } from '../../helpers/cli.js';
import { freshTempPath, inlineProject } from '../../helpers/inline-project.js';

/*
 * `tsdbt daemon`: the project's commands run in the resident process, with the output and exit code
 * of the same command run in its own process (TSDBT_RESIDENT=0), byte for byte but for times.
 * The resident's files live in a folder of this test file (TSDBT_RESIDENT_DIR).
 */
const residentDir = mkdtempSync(join(tmpdir(), 'tsdbt-resident-test-'));
const warehouse = freshTempPath('tsdbt-resident-warehouse');
const other = freshTempPath('tsdbt-resident-other');
const env = { TSDBT_RESIDENT_DIR: residentDir, NO_COLOR: '1' };

const p = inlineProject({
  'models/a.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(5)",
  'models/b.sql': "select n * 2 as m from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: m\n        tests: [not_null, unique]\n',
  'models/slow.sql': "{{ config(materialized='table', tags=['slow']) }}\nselect number, sleepEachRow(0.1) as s from numbers(60) settings max_block_size = 1",
  // A macro that writes after a slow read: its statements run synchronously, in one render.
  'macros/slow_insert.sql': `{% macro slow_insert() %}
{% do run_query("create table if not exists " ~ target.schema ~ ".op_log (n UInt8) engine = MergeTree order by n") %}
{{ log('started', info=True) }}
{% do run_query("select sum(s) from (select sleepEachRow(0.5) as s from numbers(6) settings max_block_size = 1)") %}
{% do run_query("insert into " ~ target.schema ~ ".op_log values (1)") %}
{% endmacro %}`,
});
p.write({
  'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ${p.schema}\n      threads: 2\n    other:\n      type: chdb\n      path: ${other}\n      schema: ${p.schema}\n      threads: 2\n`,
});

let daemon: ChildProcess;
let log = '';

/**
 * The daemon's log since `from`, once it holds `expected` (waiting up to 60 s: a loaded machine) or, with
 * nothing expected, after 5 s (its pipe is read between the test's synchronous runs).
 */
async function logSince(from: number, expected?: string | RegExp): Promise<string> {
  const holds = () => (expected === undefined ? false : typeof expected === 'string' ? log.slice(from).includes(expected) : expected.test(log.slice(from)));
  for (let i = 0; i < (expected === undefined ? 100 : 1200) && !holds(); i++) await new Promise((r) => setTimeout(r, 50));
  return log.slice(from);
}

function cli(args: readonly string[], extra: NodeJS.ProcessEnv = {}): CliRun {
  return runCli(args, { cwd: p.dir, env: { ...env, ...extra } });
}

/** Times and durations aside, as two runs of the same command differ. */
const steady = (text: string) => text.replace(/^\d\d:\d\d:\d\d {2}/gm, 'T  ').replace(/\d+(\.\d+)?s\b/g, 'Ns');

beforeAll(async () => {
  daemon = spawn(process.execPath, [CLI, 'daemon', '--project-dir', p.dir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d) => (log += String(d)));
  daemon.stderr!.on('data', (d) => (log += String(d)));
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (log.includes('Resident process')) {
        clearInterval(timer);
        done();
      } else if (daemon.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(`daemon ended: ${log}`));
      }
    }, 50);
  });
}, 120_000);

afterAll(async () => {
  if (daemon.exitCode === null && daemon.signalCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((done) => daemon.once('exit', done));
  }
  p.cleanup();
  rmSync(residentDir, { recursive: true, force: true });
});

describe('tsdbt daemon', () => {
  it('runs commands with the same output and exit code as in their own process, failing ones included', async () => {
    // Builds first (the relations exist for the rest), then the same command lines both ways.
    expect(cli(['build', '--exclude', 'tag:slow']).code).toBe(0);
    p.write({ 'models/broken.sql': 'select no_such_column from {{ ref(\'a\') }}' });
    const lines: string[][] = [
      ['ls'],
      ['ls', '--output', 'json', '--resource-type', 'model'],
      ['compile', '--select', 'b'],
      ['run', '--select', 'a', 'b'],
      ['run', '--select', 'broken'],
      ['test', '--select', 'b'],
      ['show', '--select', 'b', '--limit', '3'],
      ['run', '--threads', 'abc'],
      ['ls', '--no-such-flag'],
      ['run', '--help'],
      ['run', '--select', 'nothing_matches'],
    ];
    for (const args of lines) {
      const from = log.length;
      const resident = cli(args);
      const here = cli(args, { TSDBT_RESIDENT: '0' });
      expect({ args, code: resident.code, stdout: steady(resident.stdout), stderr: steady(resident.stderr) }).toEqual({ args, code: here.code, stdout: steady(here.stdout), stderr: steady(here.stderr) });
      // It ran in the resident process (its log names each command it ran).
      const ran = new RegExp(`  ${args[0]}: exit ${resident.code} `);
      expect(await logSince(from, ran)).toMatch(ran);
    }
    expect(cli(['run', '--select', 'broken']).code).toBe(1);
    expect(cli(['run', '--threads', 'abc']).code).toBe(2);
    p.remove('models/broken.sql');
    // A project that does not load: exit 2 with the same message.
    p.write({ 'models/bad.yml': 'models: [\n' });
    const bad = cli(['ls']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(cli(['ls'], { TSDBT_RESIDENT: '0' }).stderr);
    p.remove('models/bad.yml');
  }, 300_000);

  it('sees an edited file on the next command', async () => {
    expect(cli(['compile', '--select', 'b', '--quiet']).stdout).toContain('n * 2');
    p.write({ 'models/b.sql': "select n * 3 as m from {{ ref('a') }}" });
    const from = log.length;
    expect(cli(['compile', '--select', 'b', '--quiet']).stdout).toContain('n * 3');
    expect(await logSince(from, 'compile: exit 0')).toContain('compile: exit 0');
  }, 120_000);

  it('keeps an unchanged project\'s load in memory for the next command; an edit, a new file or another env value is seen', async () => {
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const from = log.length;
      const r = cli(args, extra);
      const line = (await logSince(from, /: exit \d+ \(.*\)/)).trim().split('\n').at(-1)!;
      return { ...r, kept: line.includes('the load kept in memory'), line };
    };
    p.write({ 'models/k.sql': "select {{ env_var('TSDBT_RESIDENT_TEST_K', '1') }} as k" });
    await run(['ls']); // loads after the new file (and saves the warm start)
    await run(['ls']); // reads it from the file, keeps it
    const kept = await run(['compile', '--select', 'k', '--quiet']);
    expect(kept.line).toMatch(/compile: exit 0 .*the load kept in memory/);
    expect(kept.stdout).toContain('select 1 as k');
    p.write({ 'models/k.sql': "select {{ env_var('TSDBT_RESIDENT_TEST_K', '1') }} + 1 as k" });
    const edited = await run(['compile', '--select', 'k', '--quiet']);
    expect([edited.kept, edited.stdout.includes('select 1 + 1 as k')]).toEqual([false, true]);
    const env = await run(['compile', '--select', 'k', '--quiet'], { TSDBT_RESIDENT_TEST_K: '7' });
    expect([env.kept, env.stdout.includes('select 7 + 1 as k')]).toEqual([false, true]);
    p.write({ 'models/k2.sql': "select k from {{ ref('k') }}" });
    const added = await run(['ls', '--select', 'k+']);
    expect([added.kept, added.stdout.trim().split('\n').sort()]).toEqual([false, ['proj.k', 'proj.k2']]);
    p.remove('models/k2.sql');
    expect((await run(['ls', '--select', 'k+'])).stdout.trim()).toBe('proj.k');
    p.remove('models/k.sql');
  }, 180_000);

  it("stats a compile's compiled files on another thread as in-process: a hand-edited one is written again", async () => {
    // TSDBT_STAT_AHEAD=wait: the command waits for the thread's answers (what it skips does not depend on timing).
    const compile = async () => {
      const from = log.length;
      const r = cli(['compile', '--select', 'a', 'b'], { TSDBT_STAT_AHEAD: 'wait' });
      expect(r.code, r.stderr).toBe(0);
      const line = (await logSince(from, /compile: exit \d+ \(.*\)/)).trim().split('\n').at(-1)!;
      return Number(/, (\d+) compiled files found unchanged by another thread\)/.exec(line)?.[1] ?? 0);
    };
    await compile();
    const all = await compile();
    expect(all).toBeGreaterThanOrEqual(2); // a, b (and b's tests)
    const compiledA = join(p.dir, 'target', 'compiled', 'proj', 'models', 'a.sql');
    const text = readFileSync(compiledA, 'utf8');
    writeFileSync(compiledA, 'select 42 -- edited by hand\n');
    expect(await compile()).toBe(all - 1);
    expect(readFileSync(compiledA, 'utf8')).toBe(text);
    expect(await compile()).toBe(all);
  }, 120_000);

  it('stats the inputs of the load it kept on another thread: an edit made before the command is seen', async () => {
    // TSDBT_STAT_AHEAD=wait: the command waits for the thread's answers (what it skips does not depend on timing).
    const ls = async (args: string[]) => {
      const from = log.length;
      const r = cli(['ls', ...args], { TSDBT_STAT_AHEAD: 'wait' });
      expect(r.code, r.stderr).toBe(0);
      const line = (await logSince(from, /ls: exit \d+ \(.*\)/)).trim().split('\n').at(-1)!;
      return { names: r.stdout.trim().split('\n'), kept: line.includes('the load kept in memory'), inputs: Number(/, (\d+) inputs[, \w]* found unchanged by another thread\)/.exec(line)?.[1] ?? 0) };
    };
    await ls([]);
    const unchanged = await ls([]);
    expect(unchanged.kept).toBe(true);
    // The project's files and tsdbt's own macros.
    expect(unchanged.inputs).toBeGreaterThanOrEqual(4);
    const b = readFileSync(join(p.dir, 'models', 'b.sql'), 'utf8');
    p.write({ 'models/b.sql': `{{ config(tags=['edited']) }}\n${b}` });
    try {
      const edited = await ls(['--select', 'tag:edited', '--resource-type', 'model']);
      expect(edited.names).toEqual(['proj.b']);
      expect(edited.inputs).toBe(unchanged.inputs - 1);
    } finally {
      p.write({ 'models/b.sql': b });
    }
    expect((await ls(['--select', 'tag:edited', '--resource-type', 'model'])).names).not.toContain('proj.b');
  }, 120_000);

  it('stops a run on Ctrl-C as in-process (exit 2, nothing left half-built) and takes the next command', async () => {
    const from = log.length;
    const child = spawn(process.execPath, [CLI, 'run', '--select', 'slow', '--threads', '1'], { cwd: p.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('START sql table model') && !child.killed) setTimeout(() => child.kill('SIGINT'), 500);
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(2);
    expect(out).toContain('The run was stopped before it finished.');
    const left = cli(['show', '--inline', `select count() as n from system.tables where database = '${p.schema}' and (name like '%tsdbt_tmp%' or name = 'slow')`, '--output', 'json']);
    expect(left.code).toBe(0);
    expect(JSON.parse(left.stdout).show).toEqual([{ n: 0 }]);
    expect(await logSince(from, / {2}run: exit 2 /)).toMatch(/ {2}run: exit 2 /);
  }, 120_000);

  it('runs one writing command at a time: a second one waits for the first', async () => {
    const first = spawn(process.execPath, [CLI, 'run', '--select', 'slow', '--threads', '1'], { cwd: p.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstOut = '';
    first.stdout!.on('data', (d) => (firstOut += String(d)));
    await new Promise<void>((done) => {
      const timer = setInterval(() => firstOut.includes('START sql table model') && (clearInterval(timer), done()), 50);
    });
    const second = spawn(process.execPath, [CLI, 'run', '--select', 'a'], { cwd: p.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let secondOut = '';
    second.stdout!.on('data', (d) => (secondOut += String(d)));
    const [c1, c2] = await Promise.all([first, second].map((c) => new Promise<number | null>((done) => c.on('exit', (x) => done(x)))));
    expect([c1, c2]).toEqual([0, 0]);
    // The second started its model after the first finished.
    const firstEnd = /(\d\d:\d\d:\d\d) {2}Done\./.exec(firstOut)![1]!;
    const secondStart = /(\d\d:\d\d:\d\d) {2}1 of 1 START/.exec(secondOut)![1]!;
    expect(secondStart >= firstEnd).toBe(true);
    const after = await logSince(log.lastIndexOf('  run: exit 2'), /run: exit 0[^]*run: exit 0/);
    expect(after).toMatch(/run: exit 0[^]*run: exit 0/);
  }, 180_000);

  it('leaves a command on another warehouse or of another build to its own process', async () => {
    let from = log.length;
    // --target other: another chdb directory than the one held.
    const elsewhere = cli(['run', '--select', 'a', '--target', 'other']);
    expect(elsewhere.code).toBe(0);
    expect(await logSince(from, "run: ran in the client's process")).toContain("run: ran in the client's process");
    // Another build: the info file names another version.
    from = log.length;
    const dir = join(residentDir, `tsdbt-resident-${process.getuid!()}`);
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
    const info = readFileSync(file, 'utf8');
    writeFileSync(file, info.replace(/"version": "[^"]*"/, '"version": "v0 other build"'), { mode: 0o600 });
    try {
      expect(cli(['ls']).code).toBe(0);
      expect(await logSince(from)).toBe('');
    } finally {
      writeFileSync(file, info, { mode: 0o600 });
    }
    expect(cli(['ls']).code).toBe(0);
    expect(await logSince(from, 'ls: exit 0')).toContain('ls: exit 0');
  }, 180_000);

  it('leaves run-operation to its own process: Ctrl-C stops it there, its macro does not go on writing', async () => {
    // A macro's run_query statements run synchronously: a resident process could not hear the Ctrl-C until the macro
    // ended, and its insert landed after the client had exited 130 (run again, the rows doubled).
    const child = spawn(process.execPath, [CLI, 'run-operation', 'slow_insert'], { cwd: p.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('started') && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const exited = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    expect(exited.code === 130 || exited.signal === 'SIGINT').toBe(true);
    // Past the time the macro would have taken: no row written.
    await new Promise((r) => setTimeout(r, 4000));
    const rows = cli(['show', '--inline', `select count() as n from ${p.schema}.op_log`, '--output', 'json']);
    expect(JSON.parse(rows.stdout).show).toEqual([{ n: 0 }]);
  }, 120_000);

  it('leaves retry to its own process too (it may re-run a run-operation)', async () => {
    const from = log.length;
    cli(['retry']);
    expect(await logSince(from)).not.toContain('retry:');
  }, 120_000);

  it('refuses a second resident process for the same project', () => {
    const second = cli(['daemon']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`A resident process (pid ${daemon.pid}) already runs for`);
  }, 120_000);

  it('a resident process killed without a word: commands run in their own process again', async () => {
    daemon.kill('SIGKILL');
    await new Promise((done) => daemon.once('exit', done));
    const run = cli(['run', '--select', 'a']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Done. PASS=1');
  }, 120_000);

  it('a command from a deleted working folder with --project-dir runs as before (the look for a resident process never fails it)', () => {
    const gone = mkdtempSync(join(tmpdir(), 'tsdbt-resident-gone-'));
    const r = spawnSync('sh', ['-c', `cd '${gone}' && rmdir '${gone}' && exec '${process.execPath}' '${CLI}' ls --project-dir '${p.dir}'`], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('proj.a');
  }, 120_000);

  it('`daemon --stop` ends the resident process: its files are gone and commands run in their own process', async () => {
    const again = spawn(process.execPath, [CLI, 'daemon'], { cwd: p.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    again.stdout!.on('data', (d) => (out += String(d)));
    await new Promise<void>((done) => {
      const timer = setInterval(() => out.includes('Resident process') && (clearInterval(timer), done()), 50);
    });
    const dir = join(residentDir, `tsdbt-resident-${process.getuid!()}`);
    expect(readdirSync(dir).sort().map((f) => f.replace(/^[0-9a-f]+/, 'x'))).toEqual(['x.json', 'x.sock']);
    const exited = new Promise<number | null>((done) => again.once('exit', (c) => done(c)));
    const stop = cli(['daemon', '--stop']);
    expect(stop.stdout).toBe(`Stopped the resident process ${again.pid} of ${realpathSync(p.dir)}.\n`);
    expect(await exited).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(cli(['ls']).code).toBe(0);
  }, 120_000);
});
