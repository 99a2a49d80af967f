import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { c as createTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { TsdbtError, TsdbtProject } from '../../../packages/core/src/index.js';
import { startTestHub, type TestHub } from '../../helpers/hub-server.js';
import { spawnSync } from 'node:child_process';
import { CLI } from '../../helpers/cli.js';

const runCli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--no-color'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(prefix = 'tsdbt-deps-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A package folder: dbt_project.yml, one macro, and optionally its own packages.yml. */
function packageDir(parent: string, name: string, options: { macro?: string; packagesYml?: string; folder?: string } = {}): string {
  return write(join(parent, options.folder ?? name), {
    'dbt_project.yml': `name: ${name}\nversion: '1.0.0'\n`,
    'macros/m.sql': `{% macro ${name}_version() %}${options.macro ?? 'v1'}{% endmacro %}`,
    ...(options.packagesYml ? { 'packages.yml': options.packagesYml } : {}),
  });
}

/** A root project with this packages.yml. */
function project(packagesYml: string, name = 'root'): string {
  return write(tempDir(), { 'dbt_project.yml': `name: ${name}\n`, 'packages.yml': packagesYml });
}

async function deps(projectDir: string, options: Parameters<typeof TsdbtProject.deps>[0] = {}) {
  const logs: string[] = [];
  const result = await TsdbtProject.deps({ projectDir, env: {}, onLog: (m) => logs.push(m), ...options });
  return { ...result, logs };
}

async function depsError(projectDir: string, options: Parameters<typeof TsdbtProject.deps>[0] = {}): Promise<TsdbtError> {
  try {
    await deps(projectDir, options);
  } catch (e) {
    if (e instanceof TsdbtError) return e;
    throw e;
  }
  throw new Error('expected tsdbt deps to fail');
}

const lock = (dir: string) => readFileSync(join(dir, 'package-lock.yml'), 'utf8');
const installedMacro = (dir: string, name: string) => readFileSync(join(dir, 'dbt_packages', name, 'macros/m.sql'), 'utf8');

function gitRepo(dir: string): (...args: string[]) => string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  git('init', '--quiet', '--initial-branch=main');
  return git;
}

async function hub(packages: Parameters<typeof startTestHub>[0]): Promise<TestHub> {
  const h = await startTestHub(packages);
  cleanups.push(() => h.close());
  return h;
}

describe('tsdbt deps: local packages', () => {
  it("links the package into dbt_packages under its project name, writes dbt's lock file, and the project loads with it", async () => {
    const shared = tempDir();
    packageDir(shared, 'my_pkg', { folder: 'some-folder' });
    const dir = project(`packages:\n  - local: ${join(shared, 'some-folder')}\n`);
    write(dir, { 'models/a.sql': "select '{{ my_pkg.my_pkg_version() }}' as v" });
    const result = await deps(dir);
    expect(result.installed).toEqual([{ name: 'my_pkg', source: 'local', from: join(shared, 'some-folder'), version: undefined }]);
    expect(lstatSync(join(dir, 'dbt_packages/my_pkg')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'dbt_packages/my_pkg'))).toBe(join(shared, 'some-folder'));
    expect(lock(dir)).toMatch(new RegExp(`^packages:\\n  - local: ${join(shared, 'some-folder')}\\n    name: my_pkg\\nsha1_hash: [0-9a-f]{40}\\n$`));
    expect(result.logs).toEqual(expect.arrayContaining([`Installing ${join(shared, 'some-folder')}`, `Installed from <local @ ${join(shared, 'some-folder')}>`]));
    expect(TsdbtProject.open({ projectDir: dir }).manifest.macros.has('macro.my_pkg.my_pkg_version')).toBe(true);
  });

  it("hashes packages.yml exactly as dbt (a lock file dbt wrote is reused)", async () => {
    const dir = project('packages:\n  - local: ../\n');
    // sha1 of json.dumps({"local": "../", "unrendered": {"local": "../"}}, sort_keys=True), as dbt computes it.
    const { packagesHash } = await import('../../../packages/core/src/deps/lock-file.js');
    const { readPackagesFile } = await import('../../../packages/core/src/deps/package-spec.js');
    expect(packagesHash(readPackagesFile(dir).packages)).toBe('de2deba3d66ce03d8c02949013650cc9b94f6030');
  });
});

describe('tsdbt deps: git packages (a local repository over file://)', () => {
  it('checks out the revision asked for, pins its commit SHA in the lock file and installs from it again', async () => {
    const repoDir = tempDir();
    packageDir(repoDir, 'git_pkg', { folder: '.', macro: 'v1' });
    const git = gitRepo(repoDir);
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    git('tag', 'v1.0.0');
    const v1 = git('rev-parse', 'HEAD');
    write(repoDir, { 'macros/m.sql': '{% macro git_pkg_version() %}v2{% endmacro %}' });
    git('commit', '--quiet', '-am', 'v2');
    const url = pathToFileURL(repoDir).href;

    const dir = project(`packages:\n  - git: "${url}"\n    revision: v1.0.0\n`);
    const result = await deps(dir);
    expect(result.installed).toEqual([{ name: 'git_pkg', source: 'git', from: url, version: v1 }]);
    expect(installedMacro(dir, 'git_pkg')).toContain('v1');
    expect(lock(dir)).toContain(`  - git: ${url}\n    name: git_pkg\n    revision: ${v1}\n`);
    // Installing again reads the lock file: the pinned SHA, even though the tag could move.
    git('tag', '-f', 'v1.0.0', 'HEAD');
    await deps(dir);
    expect(installedMacro(dir, 'git_pkg')).toContain('v1');
    // --upgrade resolves the tag again.
    await deps(dir, { upgrade: true });
    expect(installedMacro(dir, 'git_pkg')).toContain('v2');
  });

  it('installs a subdirectory of a repository, from a plain local path too, and warns when unpinned', async () => {
    const repoDir = tempDir();
    packageDir(join(repoDir, 'packages'), 'inner_pkg');
    const git = gitRepo(repoDir);
    git('add', '.');
    git('commit', '--quiet', '-m', 'init');
    const dir = project(`packages:\n  - git: ${repoDir}\n    subdirectory: packages/inner_pkg\n`);
    const result = await deps(dir);
    expect(result.installed.map((p) => p.name)).toEqual(['inner_pkg']);
    expect(existsSync(join(dir, 'dbt_packages/inner_pkg/dbt_project.yml'))).toBe(true);
    expect(result.logs).toContain('and subdirectory packages/inner_pkg');
    expect(result.logs.some((l) => l.includes('is not pinned'))).toBe(true);
    expect(lock(dir)).toContain('subdirectory: packages/inner_pkg');
  });

  it("renders env_var() in packages.yml (secrets too) and keeps the unrendered URL in the lock file, as dbt", async () => {
    const repoDir = tempDir();
    packageDir(repoDir, 'secret_pkg', { folder: '.' });
    const git = gitRepo(repoDir);
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    const dir = project(`packages:\n  - git: "{{ env_var('DBT_ENV_SECRET_REPO') }}"\n    revision: main\n`);
    const result = await deps(dir, { env: { DBT_ENV_SECRET_REPO: repoDir } });
    expect(result.installed.map((p) => p.name)).toEqual(['secret_pkg']);
    expect(lock(dir)).toContain("  - git: \"{{ env_var('DBT_ENV_SECRET_REPO') }}\"\n");
    expect(lock(dir)).not.toContain(repoDir);
    expect((await deps(dir, { env: { DBT_ENV_SECRET_REPO: repoDir } })).installed.map((p) => p.name)).toEqual(['secret_pkg']);
  });

  it('rejects two different revisions of one git package, as dbt does (a URL with and without .git is one package)', async () => {
    const repoDir = join(tempDir(), 'repo.git');
    packageDir(repoDir, 'git_pkg', { folder: '.' });
    const git = gitRepo(repoDir);
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    git('tag', 'v1');
    git('tag', 'v2');
    const other = tempDir();
    packageDir(other, 'needs_git', { packagesYml: `packages:\n  - git: ${repoDir.slice(0, -4)}\n    revision: v2\n` });
    const dir = project(`packages:\n  - git: ${repoDir}\n    revision: v1\n  - local: ${join(other, 'needs_git')}\n`);
    const e = await depsError(dir);
    expect([e.code, e.message]).toEqual(['deps_conflict', `git dependencies should contain exactly one version. ${repoDir} contains: {'v1', 'v2'}`]);
  });
});

describe('tsdbt deps: hub packages (a test hub on 127.0.0.1)', () => {
  function hubPackages(root: string) {
    const v = (macro: string, extra: object = {}) => ({ dir: packageDir(join(root, macro), 'util_pkg', { macro }), ...extra });
    return {
      'acme/util_pkg': { '1.0.0': v('1.0.0'), '1.1.0': v('1.1.0'), '1.2.0-rc1': v('1.2.0-rc1'), '2.0.0': v('2.0.0', { requireDbtVersion: ['>=2.0.0'] }) },
    };
  }

  it('installs the newest version in the range that admits dbt 1.11 (no prerelease), and says when a newer one exists', async () => {
    const h = await hub(hubPackages(tempDir()));
    const dir = project('packages:\n  - package: acme/util_pkg\n    version: [">=1.0.0", "<3.0.0"]\n');
    const result = await deps(dir, { hubUrl: h.url });
    expect(result.installed).toEqual([{ name: 'util_pkg', source: 'hub', from: 'acme/util_pkg', version: '1.1.0', latest: '1.1.0' }]);
    expect(installedMacro(dir, 'util_pkg')).toContain('1.1.0');
    expect(lock(dir)).toMatch(/^packages:\n  - name: util_pkg\n    package: acme\/util_pkg\n    version: 1\.1\.0\nsha1_hash: [0-9a-f]{40}\n$/);
    expect(result.logs).toEqual(expect.arrayContaining(['Installing acme/util_pkg', 'Installed from version 1.1.0', 'Up to date!']));
    // DBT_PACKAGE_HUB_URL points at the hub as in dbt.
    expect((await deps(dir, { env: { DBT_PACKAGE_HUB_URL: `${h.url}/` } })).installed[0]!.version).toBe('1.1.0');
  });

  it("picks hub versions for the dbt the root project runs as: 1.11, or 1.10 when its require-dbt-version stops before 1.11", async () => {
    const root = tempDir();
    const v = (macro: string, requireDbtVersion: string[]) => ({ dir: packageDir(join(root, macro), 'util_pkg', { macro }), requireDbtVersion });
    const h = await hub({ 'acme/util_pkg': { '1.0.0': v('1.0.0', ['>=1.3.0', '<1.11.0']), '1.1.0': v('1.1.0', ['>=1.11.0', '<2.0.0']) } });
    const packagesYml = 'packages:\n  - package: acme/util_pkg\n    version: [">=1.0.0", "<2.0.0"]\n';
    expect((await deps(project(packagesYml), { hubUrl: h.url })).installed[0]!.version).toBe('1.1.0');
    const pinned = write(tempDir(), { 'dbt_project.yml': 'name: root\nrequire-dbt-version: [">=1.5.0", "<1.11.0"]\n', 'packages.yml': packagesYml });
    expect((await deps(pinned, { hubUrl: h.url })).installed[0]!.version).toBe('1.0.0');
  });

  it('keeps the locked version until --upgrade, and re-resolves when packages.yml changes', async () => {
    const root = tempDir();
    const h = await hub(hubPackages(root));
    const dir = project('packages:\n  - package: acme/util_pkg\n    version: [">=1.0.0", "<2.0.0"]\n');
    await deps(dir, { hubUrl: h.url });
    h.publish('acme/util_pkg', { '1.5.0': { dir: packageDir(join(root, '1.5.0'), 'util_pkg', { macro: '1.5.0' }) } });
    const again = await deps(dir, { hubUrl: h.url });
    expect([again.locked, again.installed[0]!.version, again.installed[0]!.latest]).toEqual([false, '1.1.0', '1.5.0']);
    expect(again.logs).toContain('Updated version available: 1.5.0');
    const upgraded = await deps(dir, { hubUrl: h.url, upgrade: true });
    expect([upgraded.locked, upgraded.installed[0]!.version]).toEqual([true, '1.5.0']);
    write(dir, { 'packages.yml': 'packages:\n  - package: acme/util_pkg\n    version: 1.0.0\n' });
    expect((await deps(dir, { hubUrl: h.url })).installed[0]!.version).toBe('1.0.0');
  });

  it('resolves transitive dependencies, intersecting version ranges, and reports ranges that cannot agree', async () => {
    const root = tempDir();
    const base = hubPackages(root);
    const h = await hub({
      ...base,
      'acme/app_pkg': { '0.5.0': { dir: packageDir(join(root, 'app'), 'app_pkg'), packages: [{ package: 'acme/util_pkg', version: ['>=1.0.0', '<1.1.0'] }] } },
    });
    const dir = project('packages:\n  - package: acme/app_pkg\n    version: 0.5.0\n  - package: acme/util_pkg\n    version: ">=1.0.0"\n');
    const result = await deps(dir, { hubUrl: h.url });
    expect(result.installed.map((p) => [p.name, p.version])).toEqual([['app_pkg', '0.5.0'], ['util_pkg', '1.0.0']]);
    write(dir, { 'packages.yml': 'packages:\n  - package: acme/app_pkg\n    version: 0.5.0\n  - package: acme/util_pkg\n    version: ">=1.1.0"\n' });
    const e = await depsError(dir, { hubUrl: h.url });
    expect([e.code, e.message]).toEqual(['deps_conflict', "Version error for package acme/util_pkg: Could not find a satisfactory version from options: ['>=1.1.0', '>=1.0.0', '<1.1.0']"]);
  });

  it('names a package the hub does not have, and a range no version satisfies', async () => {
    const h = await hub(hubPackages(tempDir()));
    let e = await depsError(project('packages:\n  - package: acme/nope\n    version: 1.0.0\n'), { hubUrl: h.url });
    expect([e.code, e.message]).toEqual(['deps_not_found', 'Package acme/nope was not found in the package index']);
    e = await depsError(project('packages:\n  - package: acme/util_pkg\n    version: ">=2.0.0"\n'), { hubUrl: h.url });
    expect(e.code).toBe('deps_version_not_found');
    expect(e.message).toContain("Could not find a matching compatible version for package acme/util_pkg\n  Requested range: >=2.0.0\n  Compatible versions: ['1.0.0', '1.1.0']");
    // --no-version-check includes the version that asks for dbt 2.
    expect((await deps(project('packages:\n  - package: acme/util_pkg\n    version: ">=2.0.0"\n'), { hubUrl: h.url, versionCheck: false })).installed[0]!.version).toBe('2.0.0');
  });
});

describe('tsdbt deps: tarballs and the rest', () => {
  it('installs a tarball under its name from a file:// URL', async () => {
    const src = tempDir();
    packageDir(src, 'tar_pkg', { folder: 'anything-1.0' });
    const file = join(src, 'pkg.tar.gz');
    await createTar({ gzip: true, file, cwd: src }, ['anything-1.0']);
    const dir = project(`packages:\n  - tarball: ${pathToFileURL(file).href}\n    name: tar_pkg\n`);
    const result = await deps(dir);
    expect(result.installed).toEqual([{ name: 'tar_pkg', source: 'tarball', from: 'tar_pkg', version: 'tarball' }]);
    expect(installedMacro(dir, 'tar_pkg')).toContain('v1');
    expect(lock(dir)).toContain(`  - name: tar_pkg\n    tarball: ${pathToFileURL(file).href}\n`);
  });

  it('rejects a dependency named like the root project and a malformed packages.yml entry', async () => {
    const shared = tempDir();
    packageDir(shared, 'root');
    let e = await depsError(project(`packages:\n  - local: ${join(shared, 'root')}\n`));
    expect(e.message).toBe('Found a dependency with the same name as the root project "root". Package names must be unique in a project. Please rename one of these packages.');
    e = await depsError(project('packages:\n  - package: dbt_utils\n    version: 1.0.0\n'));
    expect([e.file, e.line]).toEqual(['packages.yml', 2]);
    expect(e.message).toContain('dbt_utils was not found in the package index. Packages on the index require a namespace, e.g dbt-labs/dbt_utils');
  });

  it('adds a package with --add-package and installs it', async () => {
    const h = await hub({ 'acme/util_pkg': { '1.0.0': { dir: packageDir(tempDir(), 'util_pkg') } } });
    const dir = project('packages: []\n');
    const result = await deps(dir, { hubUrl: h.url, addPackage: 'acme/util_pkg@1.0.0' });
    expect(readFileSync(join(dir, 'packages.yml'), 'utf8')).toBe('packages:\n  - package: acme/util_pkg\n    version: 1.0.0\n');
    expect(result.installed.map((p) => p.name)).toEqual(['util_pkg']);
  });

  it('prints what it installed from the CLI (exit 0), and a bad entry as a project error (exit 2)', () => {
    const shared = tempDir();
    packageDir(shared, 'cli_pkg');
    const dir = project(`packages:\n  - local: ${join(shared, 'cli_pkg')}\n`);
    let r = runCli(['deps', '--project-dir', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Installed 1 package into dbt_packages: cli_pkg');
    write(dir, { 'packages.yml': 'packages:\n  - git: ""\n' });
    r = runCli(['deps', '--project-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('A git package is missing the value');
  });
});
