import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/* The CLI runs in child processes, one after another, on this file's own warehouse folder. */
const WAREHOUSE = freshTempPath('tsdbt-state-cli-warehouse');
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

function cli(p: InlineProject, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FILES = {
  'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
};

describe('tsdbt --state (CLI)', () => {
  it('ls --select state:modified+ --state DIR lists the changed model and its descendants; DBT_STATE works too', () => {
    const p = project(FILES);
    expect(cli(p, ['compile']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'prod-artifacts'), { recursive: true });
    p.write({ 'models/b.sql': "select id * 2 as id from {{ ref('a') }}" });
    const r = cli(p, ['ls', '--select', 'state:modified+', '--state', 'prod-artifacts', '--output', 'path']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').sort()).toEqual(['models/b.sql', 'models/c.sql']);
    const viaEnv = cli(p, ['ls', '--select', 'state:modified', '--output', 'path'], { DBT_STATE: 'prod-artifacts' });
    expect(viaEnv.stdout.trim()).toBe('models/b.sql');
    const missing = cli(p, ['ls', '--select', 'state:modified']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs a comparison manifest: pass --state DIR/);
  });

  it('build --select state:modified+ --state builds only what changed and what depends on it', () => {
    const p = project(FILES);
    expect(cli(p, ['build']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
    p.write({ 'models/b.sql': "select id + 10 as id from {{ ref('a') }}" });
    const r = cli(p, ['build', '--select', 'state:modified+', '--state', 'state']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\bb\b/);
    expect(r.stdout).toMatch(/\bc\b/);
    expect(r.stdout).not.toMatch(/model \S*\ba\b/);
    expect(r.stdout).toMatch(/PASS=2\b/);
  });
});

describe('tsdbt --defer, retry and source freshness (CLI)', () => {
  it('build --select b --defer --state DIR on another target reads the unselected parent from the state', () => {
    const p = project(FILES);
    const ci = `${p.schema}_ci`;
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n    ci:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${ci}\n` });
    expect(cli(p, ['build']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'prod'), { recursive: true });
    const plain = cli(p, ['run', '--select', 'b', '--target', 'ci']);
    expect(plain.code).toBe(1);
    const r = cli(p, ['run', '--select', 'b', '--target', 'ci', '--defer', '--state', 'prod']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const compiled = readFileSync(join(p.dir, 'target/compiled/proj/models/b.sql'), 'utf8');
    expect(compiled).toContain(`\`${p.schema}\`.\`a\``);
    // DBT_DEFER / DBT_STATE, as dbt's environment variables
    expect(cli(p, ['run', '--select', 'c', '--target', 'ci'], { DBT_DEFER: 'true', DBT_STATE: 'prod' }).code).toBe(0);
    expect(cli(p, ['run', '--select', 'b', '--defer', '--target', 'ci']).stderr).toMatch(/--defer argument, but no value was provided to --state/);
  });

  it('retry re-runs what failed with the previous command and --vars; then nothing is left', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/b.sql': "{{ config(materialized='table') }}\nselect throwIf(id = 1, 'not yet') as x from {{ ref('a') }}",
      'models/c.sql': "select x from {{ ref('b') }}",
    });
    const first = cli(p, ['build', '--vars', '{x: 7}']);
    expect(first.code).toBe(1);
    p.write({ 'models/b.sql': "{{ config(materialized='table') }}\nselect {{ var('x') }} as x from {{ ref('a') }}" });
    const retried = cli(p, ['retry']);
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/model \S*\.b\b/);
    expect(retried.stdout).toMatch(/\bc\b/);
    expect(retried.stdout).not.toMatch(/model \S*\.a\b/);
    expect(retried.stdout).toMatch(/PASS=2\b/);
    const shown = cli(p, ['show', '--inline', "select x from {{ ref('b') }}", '--output', 'json', '--vars', '{x: 7}']);
    expect(shown.stdout).toMatch(/"x":\s*"?7/);
    const again = cli(p, ['retry']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/START/);
  });

  it('source freshness exits 0 on warnings and 1 on a stale source; source_status:fresher+ selects what newer data reaches', () => {
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const p = project({
      'seeds/events.csv': `id,ts\n1,${at(2)}\n`,
      'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: events\n    config:\n      column_types: {ts: "DateTime(\'UTC\')"}\n',
      'models/daily.sql': "select count() as n from {{ source('raw', 'events') }}",
      'models/other.sql': 'select 1 as one',
    });
    p.write({ 'models/src.yml': `version: 2\nsources:\n  - name: raw\n    schema: ${p.schema}\n    loaded_at_field: ts\n    freshness:\n      warn_after: {count: 1, period: hour}\n      error_after: {count: 1, period: day}\n    tables: [{name: events}]\n` });
    expect(cli(p, ['seed']).code).toBe(0);
    const warned = cli(p, ['source', 'freshness']);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/1 of 1 START freshness of raw\.events/);
    expect(warned.stdout).toMatch(/1 of 1 WARN freshness of raw\.events \.+ \[WARN in/);
    expect(warned.stdout).toMatch(/Done\. PASS=0 WARN=1 ERROR=0/);
    cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });

    p.write({ 'seeds/events.csv': `id,ts\n1,${at(2)}\n2,${at(0.1)}\n` });
    expect(cli(p, ['seed']).code).toBe(0);
    const fresh = cli(p, ['source', 'freshness', '--select', 'source:raw']);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/PASS freshness of raw\.events/);
    const listed = cli(p, ['ls', '--select', 'source_status:fresher+', '--state', 'state', '--output', 'path']);
    expect(listed.stderr).toBe('');
    expect(listed.stdout.trim().split('\n').sort()).toEqual(['models/daily.sql', 'models/src.yml']);

    p.write({ 'seeds/events.csv': `id,ts\n1,${at(50)}\n` });
    expect(cli(p, ['seed', '--full-refresh']).code).toBe(0);
    const stale = cli(p, ['source', 'freshness', '-o', 'out/sources.json']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/ERROR STALE freshness of raw\.events/);
    expect(JSON.parse(readFileSync(join(p.dir, 'out/sources.json'), 'utf8')).results[0].status).toBe('error');
  });
});

describe('deferral and retry flags (CLI)', () => {
  it('--defer-state, --favor-state, DBT_DEFER and --no-defer decide where compile reads an unselected parent', () => {
    const p = project(FILES);
    const ci = `${p.schema}_ci`;
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n    ci:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${ci}\n` });
    expect(cli(p, ['build']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'prod'), { recursive: true });
    const compiledB = (args: string[], env: Record<string, string> = {}) => {
      const r = cli(p, ['compile', '--select', 'b', '--target', 'ci', ...args], env);
      expect(r.stderr).toBe('');
      return readFileSync(join(p.dir, 'target/compiled/proj/models/b.sql'), 'utf8');
    };
    const prodA = `\`${p.schema}\`.\`a\``;
    const ciA = `\`${ci}\`.\`a\``;
    expect(compiledB(['--defer', '--defer-state', 'prod'])).toContain(prodA);
    expect(compiledB(['--no-defer', '--state', 'prod'], { DBT_DEFER: '1' })).toContain(ciA);
    expect(compiledB([], { DBT_DEFER: 'true', DBT_STATE: 'prod' })).toContain(prodA);
    // once a is built in ci, it is read there, unless the state is favored
    expect(cli(p, ['run', '--select', 'a', '--target', 'ci']).code).toBe(0);
    expect(compiledB(['--defer', '--state', 'prod'])).toContain(ciA);
    expect(compiledB(['--defer', '--state', 'prod', '--favor-state'])).toContain(prodA);
    expect(compiledB(['--defer', '--state', 'prod'], { DBT_FAVOR_STATE: 'true' })).toContain(prodA);
  });

  it('retry --state reads a kept run_results.json; retry --warn-error also re-runs what warned; --threads', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 1",
      'models/b.sql': "{{ config(materialized='table') }}\nselect throwIf(1, 'no') as x",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [{unique: {severity: warn}}]\n',
    });
    expect(cli(p, ['build']).code).toBe(1);
    cpSync(join(p.dir, 'target'), join(p.dir, 'failed-run'), { recursive: true });
    expect(cli(p, ['run', '--select', 'a']).code).toBe(0);
    // target/ now holds a successful run: nothing to retry there, but the kept folder still has b
    expect(cli(p, ['retry']).stdout).not.toMatch(/START/);
    const kept = cli(p, ['retry', '--state', 'failed-run', '--threads', '1']);
    expect(kept.code).toBe(1);
    expect(kept.stdout).toMatch(/model \S*\.b\b/);
    expect(kept.stdout).toMatch(/Concurrency: 1 threads/);
    expect(kept.stdout).not.toMatch(/unique_a_id/);
    const strict = cli(p, ['retry', '--state', 'failed-run', '--warn-error']);
    expect(strict.stdout).toMatch(/unique_a_id/);
    expect(strict.code).toBe(1);
  });
});
