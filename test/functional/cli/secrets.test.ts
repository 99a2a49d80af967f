import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * DBT_ENV_SECRET_* (issue #18: their values ended up in compiled SQL and run_results). As dbt-core:
 * env_var() may read them only in profiles.yml (elsewhere: "Secret env vars are allowed only in
 * profiles.yml or packages.yml"), and their values — and those of `--vars` keys with the prefix —
 * are replaced by ***** in everything printed or written. The CLI runs in child processes.
 */
const WAREHOUSE = freshTempPath('tsdbt-secrets-warehouse');
const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

const TOKEN = 'tok-Sup3r-S3cret';
const SCHEMA = 'hidden_schema_s3cret';
const VAR = 'var-S3cret-value';
const ENV = { DBT_ENV_SECRET_TOKEN: TOKEN, DBT_ENV_SECRET_SCHEMA: SCHEMA, DBT_ENV_SECRET_BLANK: '  ' };

function project(files: Record<string, string>, profileSchema = "{{ env_var('DBT_ENV_SECRET_SCHEMA') }}"): InlineProject {
  const p = inlineProject(files);
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: "${profileSchema}"\n` });
  projects.push(p);
  return p;
}

function cli(p: InlineProject, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, ...ENV }, timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[path] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const leaks = (text: string) => [TOKEN, SCHEMA, VAR].filter((s) => text.includes(s));

describe('DBT_ENV_SECRET_* as dbt', () => {
  it.each([
    ['a model', { 'models/a.sql': "select '{{ env_var(\"DBT_ENV_SECRET_TOKEN\") }}' as t" }, 'models/a.sql:1'],
    ['a macro', { 'macros/m.sql': "{% macro tok() %}{{ env_var('DBT_ENV_SECRET_TOKEN') }}{% endmacro %}", 'models/a.sql': "select '{{ tok() }}' as t" }, 'macros/m.sql'],
    ['schema YAML', { 'models/a.sql': 'select 1 as x', 'models/s.yml': "version: 2\nmodels:\n  - name: a\n    config:\n      meta: {t: \"{{ env_var('DBT_ENV_SECRET_TOKEN') }}\"}\n" }, 'models/s.yml'],
    ['project.yml', { 'project.yml': "name: proj\nprofile: proj\nmodels:\n  +meta: {t: \"{{ env_var('DBT_ENV_SECRET_TOKEN') }}\"}\n", 'models/a.sql': 'select 1 as x' }, 'project.yml'],
  ])('env_var() of a secret in %s is a project error (exit 2) naming the file, never the value', (_where, files, location) => {
    const p = project(files as Record<string, string>);
    const r = cli(p, 'compile');
    expect(r.out).toContain("Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_TOKEN' referenced elsewhere.");
    expect(r.out).toContain(location);
    expect(leaks(r.out)).toEqual([]);
    expect(r.code).toBe(2);
  });

  it('a secret read in profiles.yml and a secret-named --vars are scrubbed from console lines (text and JSON), errors and every artifact', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect '{{ target.schema }}' as s, '{{ var(\"DBT_ENV_SECRET_V\", \"none\") }}' as v",
      // the warehouse's error message quotes the secret
      'models/b.sql': "{{ config(materialized='table') }}\nselect throwIf(1, 'leaked {{ var(\"DBT_ENV_SECRET_V\", \"none\") }}') as x",
    });
    const vars = `{DBT_ENV_SECRET_V: ${VAR}}`;
    const text = cli(p, 'run', '--vars', vars);
    expect(text.code).toBe(1); // b fails
    const json = cli(p, 'run', '--vars', vars, '--log-format', 'json');
    const compile = cli(p, 'compile', '--vars', vars);
    const debug = cli(p, 'debug');
    const ls = cli(p, 'ls', '--output', 'json', '--vars', vars);
    for (const [name, r] of Object.entries({ text, json, compile, debug, ls })) expect(leaks(r.out), name).toEqual([]);
    expect(text.out).toMatch(/START sql table model \*{5}\.a /);
    expect(text.out).toContain("leaked *****");
    expect(debug.out).toMatch(/^ {2}schema: \*{5}$/m);
    const written = filesUnder(join(p.dir, 'target'));
    expect(Object.keys(written).map((f) => f.slice(p.dir.length + 1)).sort()).toEqual([
      'target/compiled/.tsdbt-written', // which compiled files are known unchanged (names, sizes, hashes)
      'target/compiled/proj/models/a.sql',
      'target/compiled/proj/models/b.sql',
      'target/manifest.json',
      'target/run/proj/models/a.sql', // the statements each model ran (dbt's target/run), scrubbed too
      'target/run/proj/models/b.sql',
      'target/run_results.json',
    ]);
    for (const [file, content] of Object.entries(written)) expect(leaks(content), file).toEqual([]);
    expect(written[join(p.dir, 'target/compiled/proj/models/a.sql')]).toContain("select '*****' as s, '*****' as v");
    const results = JSON.parse(written[join(p.dir, 'target/run_results.json')]!);
    expect(results.results.find((r: { unique_id: string }) => r.unique_id === 'model.proj.b').message).toContain('leaked *****');
    // the warehouse got the real values (only what tsdbt shows is scrubbed): without the var among
    // this command's secrets, show prints the stored value; the env secret (the schema) stays masked
    const show = spawnSync(process.execPath, [CLI, 'show', '--inline', `select v, '${SCHEMA}' as s from ${SCHEMA}.a`, '--output', 'json', '--project-dir', p.dir], { encoding: 'utf8', env: { ...process.env, ...ENV } });
    expect(show.stdout.trim()).toBe(JSON.stringify({ show: [{ v: VAR, s: '*****' }] }, null, 2));
  });
});
