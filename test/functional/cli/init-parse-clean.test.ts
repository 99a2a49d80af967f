import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLI, runCli } from '../../helpers/cli.js';
import { freshTempPath } from '../../helpers/inline-project.js';
import { rmSync } from 'node:fs';

/*
 * `tsdbt init`, `parse` and `clean` (issue #16), as a new user meets them: a project started from
 * nothing builds at once; parse writes the manifest and load timings; clean deletes clean-targets.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = freshTempPath('tsdbt-init');
  mkdirSync(d, { recursive: true });
  dirs.push(d);
  return d;
};
const cli = (cwd: string, args: string[]) => runCli(args, { cwd, env: { NO_COLOR: '1' } });

describe('tsdbt init', () => {
  it("creates dbt's starter layout with an embedded profile, and tsdbt build passes in it", () => {
    const dir = tempDir();
    const r = cli(dir, ['init', 'my_project']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Your new tsdbt project 'my_project' was created in my_project");
    const p = join(dir, 'my_project');
    for (const f of ['dbt_project.yml', 'profiles.yml', '.gitignore', 'models/example/my_first_dbt_model.sql', 'models/example/my_second_dbt_model.sql', 'models/example/schema.yml', 'seeds/.gitkeep', 'macros/.gitkeep', 'tests/.gitkeep', 'snapshots/.gitkeep', 'analyses/.gitkeep'])
      expect(existsSync(join(p, f)), f).toBe(true);
    const project = parseYaml(readFileSync(join(p, 'dbt_project.yml'), 'utf8'));
    expect(project).toMatchObject({ name: 'my_project', profile: 'my_project', 'clean-targets': ['target', 'dbt_packages'], models: { my_project: { example: { '+materialized': 'view' } } } });
    expect(parseYaml(readFileSync(join(p, 'profiles.yml'), 'utf8'))).toEqual({ my_project: { target: 'dev', outputs: { dev: { type: 'chdb', path: '.tsdbt/chdb', schema: 'default', threads: 4 } } } });

    const build = cli(p, ['build']);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toMatch(/Done\. PASS=6 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=6/);
    const ls = cli(p, ['ls', '--resource-type', 'model']);
    expect(ls.stdout.trim().split('\n')).toEqual(['my_project.example.my_first_dbt_model', 'my_project.example.my_second_dbt_model']);
  });

  it('writes a server profile from flags, the password read from the environment (no secret in the file)', () => {
    const dir = tempDir();
    const r = cli(dir, ['init', 'wh', '--type', 'clickhouse', '--host', 'ch.internal', '--port', '8443', '--secure', '--user', 'analyst', '--schema', 'analytics', '--threads', '8']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseYaml(readFileSync(join(dir, 'wh/profiles.yml'), 'utf8'))).toEqual({
      wh: { target: 'dev', outputs: { dev: { type: 'clickhouse', host: 'ch.internal', port: 8443, user: 'analyst', password: "{{ env_var('CLICKHOUSE_PASSWORD', '') }}", secure: true, schema: 'analytics', threads: 8 } } },
    });
    // the profile resolves as tsdbt reads it
    const debug = runCli(['debug', '--log-format', 'json'], { cwd: join(dir, 'wh'), env: { CLICKHOUSE_PASSWORD: 's3cret' } });
    const target = JSON.parse(debug.stdout.trim().split('\n').pop()!).target;
    expect(target).toMatchObject({ type: 'clickhouse', host: 'ch.internal', port: 8443, user: 'analyst', schema: 'analytics' });
    expect(JSON.stringify(target)).not.toContain('s3cret');
  });

  it('--skip-profile-setup and --profile write no profiles.yml; the project names the profile', () => {
    const dir = tempDir();
    expect(cli(dir, ['init', 'a', '--skip-profile-setup']).code).toBe(0);
    expect(existsSync(join(dir, 'a/profiles.yml'))).toBe(false);
    const b = cli(dir, ['init', 'b', '--profile', 'shared']);
    expect(b.stdout).toContain("No profile written: uses the existing profile 'shared'.");
    expect(parseYaml(readFileSync(join(dir, 'b/dbt_project.yml'), 'utf8')).profile).toBe('shared');
  });

  it('in an existing project only sets up its profile, and never overwrites one', () => {
    const dir = tempDir();
    cli(dir, ['init', 'p', '--skip-profile-setup']);
    const p = join(dir, 'p');
    const first = cli(p, ['init']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/is already a project: setting up its profile\.\nProfile written to profiles\.yml/);
    expect(parseYaml(readFileSync(join(p, 'profiles.yml'), 'utf8')).p.outputs.dev.type).toBe('chdb');
    const again = cli(p, ['init']);
    expect(again.stdout).toContain("No profile written: profile 'p' already exists in profiles.yml.");
    // a profiles.yml holding other profiles gets this one appended
    writeFileSync(join(p, 'profiles.yml'), 'other:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n');
    expect(cli(p, ['init']).code).toBe(0);
    expect(Object.keys(parseYaml(readFileSync(join(p, 'profiles.yml'), 'utf8')))).toEqual(['other', 'p']);
  });

  it('refuses a bad name, an existing folder and a missing name without a terminal (exit 2, nothing written)', () => {
    const dir = tempDir();
    const bad = cli(dir, ['init', 'my-project']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/'my-project' is not a valid project name[\s\S]*Try e\.g\. 'my_project'/)]);
    mkdirSync(join(dir, 'taken'));
    const taken = cli(dir, ['init', 'taken']);
    expect([taken.code, taken.stderr]).toEqual([2, expect.stringMatching(/A project called taken already exists here/)]);
    const none = cli(dir, ['init']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/tsdbt init needs a project name here/)]);
    expect(existsSync(join(dir, 'my-project'))).toBe(false);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal asks for what the flags leave open (name, warehouse, its settings)', async () => {
    const dir = tempDir();
    // `script` gives the CLI a terminal; each answer is typed once its question shows.
    const child = spawn('script', ['-qec', `${process.execPath} ${CLI} init`, '/dev/null'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    const answers: [RegExp, string][] = [
      [/Enter a name for your project/, 'bad-name'],
      [/'bad-name' is not a valid name[\s\S]*Enter a name for your project/, 'asked'],
      [/Enter a number \[1\]/, '2'],
      [/schema \(a ClickHouse database\) \[default\]/, 'marts'],
      [/threads \(1 or more\) \[4\]/, 'many'],
      [/threads[\s\S]*threads \(1 or more\) \[4\]/, ''],
      [/host \[localhost\]/, 'db.example'],
      [/secure \(HTTPS\)\? y\/n \[n\]/, 'n'],
      [/port \[8123\]/, ''],
      [/user \[default\]/, 'bob'],
    ];
    let out = '';
    let next = 0;
    let from = 0;
    child.stdout.on('data', (d) => {
      out += String(d);
      while (next < answers.length && answers[next]![0].test(out.slice(from))) {
        from = out.length;
        child.stdin.write(`${answers[next]![1]}\n`);
        next++;
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(next, out).toBe(answers.length);
    expect(code, out).toBe(0);
    expect(parseYaml(readFileSync(join(dir, 'asked/profiles.yml'), 'utf8')).asked.outputs.dev).toEqual({
      type: 'clickhouse', host: 'db.example', port: 8123, user: 'bob', password: "{{ env_var('CLICKHOUSE_PASSWORD', '') }}", secure: false, schema: 'marts', threads: 4,
    });
  }, 60_000);
});

describe('tsdbt parse', () => {
  it('writes target/manifest.json and target/perf_info.json with the load timings, without a warehouse', () => {
    const dir = tempDir();
    cli(dir, ['init', 'pp']);
    const p = join(dir, 'pp');
    const r = cli(p, ['parse']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Parsed 6 nodes and \d+ macros in \d+\.\d\ds: target\/manifest\.json, perf_info\.json beside it/);
    const manifest = JSON.parse(readFileSync(join(p, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.nodes).sort()).toContain('model.pp.my_first_dbt_model');
    const perf = JSON.parse(readFileSync(join(p, 'target/perf_info.json'), 'utf8'));
    expect(perf).toMatchObject({ node_count: 6, parsed_path_count: 3, projects: [{ project_name: 'pp', parsed_path_count: 2, parsers: [{ parser: 'model', parsed_path_count: 2 }] }] });
    for (const k of ['read_files_elapsed', 'load_macros_elapsed', 'parse_project_elapsed', 'process_manifest_elapsed', 'load_all_elapsed']) expect(perf[k], k).toBeGreaterThan(0);
    expect(perf.load_all_elapsed).toBeGreaterThanOrEqual(perf.parse_project_elapsed);
    expect(perf).toMatchObject({ is_partial_parse_enabled: true, partial_parse: { mode: 'cold' } });
    // with a model that needs Jinja, the next parse reuses the parse cache (perf's partial parsing) and says so
    writeFileSync(join(p, 'models/jinja.sql'), "{% if var('x', 1) == 1 %}select 1 as id{% endif %}");
    expect(cli(p, ['parse']).code).toBe(0);
    expect(cli(p, ['parse']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(p, 'target/perf_info.json'), 'utf8')).partial_parse).toMatchObject({ mode: 'warm', rendered_count: 0 });
    expect(cli(p, ['parse', '--no-partial-parse']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(p, 'target/perf_info.json'), 'utf8'))).toMatchObject({ is_partial_parse_enabled: false, partial_parse: { mode: 'off' } });
    // no warehouse was opened
    expect(existsSync(join(p, '.tsdbt'))).toBe(false);
  });
});

describe('tsdbt clean', () => {
  it('deletes clean-targets (default: the target path) and nothing else', () => {
    const dir = tempDir();
    cli(dir, ['init', 'cc', '--skip-profile-setup']);
    const p = join(dir, 'cc');
    for (const d of ['target/compiled', 'dbt_packages/x', 'logs']) mkdirSync(join(p, d), { recursive: true });
    const r = cli(p, ['clean']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Checking target\/\*\n.*Checking dbt_packages\/\*\n.*Cleaned all paths\./);
    expect([existsSync(join(p, 'target')), existsSync(join(p, 'dbt_packages')), existsSync(join(p, 'logs')), existsSync(join(p, 'models'))]).toEqual([false, false, true, true]);
    // without clean-targets: the target path (here a custom one)
    writeFileSync(join(p, 'dbt_project.yml'), "name: cc\nprofile: cc\ntarget-path: out\n");
    mkdirSync(join(p, 'out'));
    mkdirSync(join(p, 'target'));
    expect(cli(p, ['clean']).code).toBe(0);
    expect([existsSync(join(p, 'out')), existsSync(join(p, 'target'))]).toEqual([false, true]);
  });

  it('refuses source folders and the project itself, and folders outside it unless --no-clean-project-files-only', () => {
    const dir = tempDir();
    cli(dir, ['init', 'cp', '--skip-profile-setup']);
    const p = join(dir, 'cp');
    writeFileSync(join(p, 'dbt_project.yml'), 'name: cp\nprofile: cp\nclean-targets: [target, models]\n');
    const src = cli(p, ['clean']);
    expect([src.code, src.stderr]).toEqual([2, expect.stringMatching(/tsdbt will not clean these source paths: models/)]);
    expect(existsSync(join(p, 'models/example'))).toBe(true);
    writeFileSync(join(p, 'dbt_project.yml'), 'name: cp\nprofile: cp\nclean-targets: ["."]\n');
    expect(cli(p, ['clean']).code).toBe(2);
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(p, 'dbt_project.yml'), 'name: cp\nprofile: cp\nclean-targets: [../outside]\n');
    const out = cli(p, ['clean']);
    expect([out.code, out.stderr]).toEqual([2, expect.stringMatching(/will not clean these folders outside the project[\s\S]*--no-clean-project-files-only/)]);
    expect(existsSync(join(dir, 'outside'))).toBe(true);
    expect(cli(p, ['clean', '--no-clean-project-files-only']).code).toBe(0);
    expect(existsSync(join(dir, 'outside'))).toBe(false);
  });
});
