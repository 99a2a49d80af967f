import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * A command that loads a project has its warm start's inputs (and `compile` its compiled files)
 * stat'ed on another thread while the CLI's modules load (load/stat-ahead.ts). Its answers are used
 * only for the file the load reads itself, and give what the main thread's own stats give: an edit
 * is seen, a hand-edited compiled file is written again, a guess that misses changes nothing.
 */

const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
});

function project(files: Record<string, string>, projectYml?: string): InlineProject {
  const p = inlineProject(files, projectYml ? { projectYml } : {});
  // Reports at exit which answers of the thread the command used.
  p.write({ 'report.mjs': "process.on('exit', () => process.stderr.write(`AHEAD=${JSON.stringify(globalThis[Symbol.for('tsdbt.statAhead')]?.used ?? null)}\\n`));\n" });
  projects.push(p);
  return p;
}

/** Runs the CLI; its stats taken ahead are waited for (TSDBT_STAT_AHEAD=wait: what is skipped does not depend on timing). */
function cli(p: InlineProject, args: readonly string[], env: NodeJS.ProcessEnv = {}): { stdout: string; used: { inputs: number; compiled: number } | null } {
  const r = runCli([...args, '--project-dir', p.dir], { cwd: p.dir, env: { NO_COLOR: '1', TSDBT_STAT_AHEAD: 'wait', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(p.dir, 'report.mjs')}`.trim(), ...env } });
  expect(r.code, r.stderr).toBe(0);
  const m = /AHEAD=(.*)\n/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return { stdout: r.stdout, used: JSON.parse(m![1]!) };
}

const FILES = {
  'models/a.sql': "{{ config(tags=['one']) }}\nselect 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
};

describe('stats taken ahead by the CLI', () => {
  it('serves a warm ls and sees an edit made before the command', () => {
    const p = project(FILES);
    expect(cli(p, ['ls']).used).toEqual({ inputs: 0, compiled: 0 }); // no warm start yet
    const warm = cli(p, ['ls']);
    // The project's files and tsdbt's own macros: every one found unchanged by the other thread.
    expect(warm.used!.inputs).toBeGreaterThan(2);
    expect(warm.used!.compiled).toBe(0);
    expect(warm.stdout).toMatch(/proj\.a\n.*proj\.b/s);
    p.write({ 'models/b.sql': "{{ config(tags=['two']) }}\nselect id from {{ ref('a') }}" });
    const edited = cli(p, ['ls', '--select', 'tag:two']);
    expect(edited.used!.inputs).toBe(warm.used!.inputs - 1);
    expect(edited.stdout.trim().split('\n')).toEqual(['proj.b']);
    // A new file is outside the saved order: the main thread scans in full.
    p.write({ 'models/c.sql': "{{ config(tags=['two']) }}\nselect 3 as id" });
    expect(cli(p, ['ls', '--select', 'tag:two']).stdout.trim().split('\n')).toEqual(['proj.b', 'proj.c']);
  });

  it('compile: a hand-edited compiled file is written again, an edited model compiled again', () => {
    const p = project(FILES);
    cli(p, ['compile']);
    const warm = cli(p, ['compile']);
    expect(warm.used!.compiled).toBe(2);
    const compiledB = join(p.dir, 'target', 'compiled', 'proj', 'models', 'b.sql');
    const text = readFileSync(compiledB, 'utf8');
    writeFileSync(compiledB, 'select 42 -- edited by hand\n');
    const index = join(p.dir, 'target', 'compiled', '.tsdbt-written');
    const before = statSync(index).ino;
    expect(cli(p, ['compile']).used!.compiled).toBe(1);
    // The record of compiled files is replaced by rename (the other thread may be reading the old one), never rewritten in place.
    expect(statSync(index).ino).not.toBe(before);
    expect(readdirSync(join(p.dir, 'target', 'compiled')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(compiledB, 'utf8')).toBe(text);
    p.write({ 'models/a.sql': "{{ config(tags=['one']) }}\nselect 2 as id" });
    expect(cli(p, ['compile']).used!.compiled).toBe(1); // b's file; a's text changed
    expect(readFileSync(join(p.dir, 'target', 'compiled', 'proj', 'models', 'a.sql'), 'utf8')).toMatch(/select 2 as id/);
    expect(readFileSync(compiledB, 'utf8')).toBe(text);
  });

  it("follows the project file's target-path, --target-path and DBT_TARGET_PATH; a Jinja target-path is not guessed", () => {
    const literal = project(FILES, 'name: proj\nprofile: proj\ntarget-path: "out"   # artifacts\n');
    cli(literal, ['ls']);
    expect(cli(literal, ['ls']).used!.inputs).toBeGreaterThan(2);
    cli(literal, ['ls', '--target-path', 'elsewhere']);
    expect(cli(literal, ['ls', '--target-path', 'elsewhere']).used!.inputs).toBeGreaterThan(2);
    cli(literal, ['ls'], { DBT_TARGET_PATH: 'env-target' });
    expect(cli(literal, ['ls'], { DBT_TARGET_PATH: 'env-target' }).used!.inputs).toBeGreaterThan(2);
    const jinja = project(FILES, "name: proj\nprofile: proj\ntarget-path: \"{{ env_var('NO_SUCH_VAR_X', 'jt') }}\"\n");
    cli(jinja, ['ls']);
    const r = cli(jinja, ['ls']);
    expect(r.used).toEqual({ inputs: 0, compiled: 0 });
    expect(r.stdout).toMatch(/proj\.a/);
  });

  it('gives the same answers when the main thread does not wait for the other one (as commands run)', () => {
    const p = project(FILES);
    const run = (args: string[]) => cli(p, args, { TSDBT_STAT_AHEAD: '1' }).stdout;
    run(['compile']);
    for (let i = 0; i < 3; i++) {
      p.write({ 'models/b.sql': `{{ config(tags=['t${i}']) }}\nselect id + ${i} as id from {{ ref('a') }}` });
      expect(run(['ls', '--select', `tag:t${i}`]).trim().split('\n')).toEqual(['proj.b']);
      run(['compile']);
      expect(readFileSync(join(p.dir, 'target', 'compiled', 'proj', 'models', 'b.sql'), 'utf8')).toContain(`id + ${i}`);
    }
  });

  it('starts nothing with TSDBT_STAT_AHEAD=0 or for a command that loads no project', () => {
    const p = project(FILES);
    cli(p, ['ls']);
    expect(cli(p, ['ls'], { TSDBT_STAT_AHEAD: '0' }).used).toBeNull();
    expect(cli(p, ['clean']).used).toBeNull();
  });

  it('by default starts only for compile (for ls its start cost more than the stats it took over)', () => {
    const p = project(FILES);
    cli(p, ['compile']);
    expect(cli(p, ['ls'], { TSDBT_STAT_AHEAD: '' }).used).toBeNull();
    expect(cli(p, ['ls'], { TSDBT_STAT_AHEAD: '1' }).used).not.toBeNull();
    expect(cli(p, ['compile'], { TSDBT_STAT_AHEAD: '' }).used).not.toBeNull();
  });
});
