import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { DBT_VERSION, dbtVersionFor } from '../shared/dbt-version.js';
import { ProjectError, UsageError } from '../shared/errors.js';
import { SemverError } from '../shared/semver.js';
import { readYamlFile } from '../shared/yaml-file.js';
import { DEFAULT_HUB_URL, HubClient } from './hub-client.js';
import { LOCK_FILE, packagesHash, readLockFile, writeLockFile } from './lock-file.js';
import { PACKAGES_FILE, readPackagesFile, type RenderValue } from './package-spec.js';
import type { DepsContext } from './package-source.js';
import { resolveLocked, resolvePackages } from './resolve-packages.js';

export interface DepsOptions {
  readonly projectDir?: string;
  /** Re-resolve every package even when package-lock.yml matches packages.yml (dbt deps --upgrade). */
  readonly upgrade?: boolean;
  /** Only resolve and write package-lock.yml (dbt deps --lock). */
  readonly lockOnly?: boolean;
  /** Add a package to packages.yml first: `name@version` (hub: `namespace/name@1.2.3`). */
  readonly addPackage?: string;
  readonly source?: 'hub' | 'git' | 'local';
  /** The package hub (default: DBT_PACKAGE_HUB_URL, else hub.getdbt.com). */
  readonly hubUrl?: string;
  /** false: hub versions that ask for another dbt version are candidates too (--no-version-check). */
  readonly versionCheck?: boolean;
  /** Renders Jinja in packages.yml values (env_var, var), as dbt does. */
  readonly renderValue?: RenderValue;
  readonly env?: NodeJS.ProcessEnv;
  readonly onLog?: (message: string, level: 'info' | 'warn' | 'debug') => void;
}

export interface InstalledPackage {
  /** The package's project name: its folder under the install path. */
  readonly name: string;
  readonly source: 'local' | 'git' | 'hub' | 'tarball';
  /** What it was installed from: hub package name, git URL, local path, tarball URL. */
  readonly from: string;
  readonly version?: string;
  /** Hub packages: a newer compatible version exists. */
  readonly latest?: string;
}

export interface DepsResult {
  readonly installed: readonly InstalledPackage[];
  /** package-lock.yml was written (first run, --upgrade, or packages.yml changed). */
  readonly locked: boolean;
  /** Where packages went, relative to the project. */
  readonly installPath: string;
}

/** `packages-install-path` of the root project (dbt_packages by default), its name and the dbt version it runs as. */
function rootProject(projectDir: string): { name: string; installPath: string; dbtVersion: string } {
  const file = ['dbt_project.yml', 'project.yml'].find((f) => existsSync(join(projectDir, f)));
  if (!file) throw new ProjectError('no_project', `No project.yml or dbt_project.yml in ${projectDir}`, { hint: 'Run tsdbt deps from the project folder, or pass --project-dir.' });
  const data = (readYamlFile(join(projectDir, file), file).data ?? {}) as Record<string, unknown>;
  const required = data['require-dbt-version'];
  const specs = required === undefined || required === null ? [] : Array.isArray(required) ? required.map(String) : String(required).split(',');
  let dbtVersion = DBT_VERSION;
  try {
    dbtVersion = dbtVersionFor(specs.map((s) => s.trim()));
  } catch (error) {
    if (!(error instanceof SemverError)) throw error; // a malformed range: the project load names it
  }
  return { name: String(data.name ?? ''), installPath: typeof data['packages-install-path'] === 'string' ? data['packages-install-path'] : 'dbt_packages', dbtVersion };
}

/**
 * `tsdbt deps`, as dbt's DepsTask: (1) with addPackage, writes it into packages.yml; (2) writes
 * package-lock.yml when there is none, when asked to upgrade, or when packages.yml changed since
 * (its hash); (3) empties the install folder and installs exactly what the lock file pins.
 */
export async function installPackages(options: DepsOptions = {}): Promise<DepsResult> {
  const projectDir = resolve(options.projectDir ?? '.');
  const onLog = options.onLog ?? (() => {});
  const env = options.env ?? process.env;
  const root = rootProject(projectDir);
  if (options.addPackage) addPackage(projectDir, options.addPackage, options.source ?? 'hub', onLog);
  const specified = readPackagesFile(projectDir, options.renderValue);
  const downloadsDir = env.DBT_DOWNLOADS_DIR ? resolve(env.DBT_DOWNLOADS_DIR) : mkdtempSync(join(tmpdir(), 'tsdbt-downloads-'));
  mkdirSync(downloadsDir, { recursive: true });
  const ctx: DepsContext = {
    projectDir,
    downloadsDir,
    hub: new HubClient(options.hubUrl ?? env.DBT_PACKAGE_HUB_URL ?? DEFAULT_HUB_URL),
    onLog,
    versionCheck: options.versionCheck !== false,
    dbtVersion: root.dbtVersion,
  };
  try {
    const hash = packagesHash(specified.packages);
    const lock = readLockFile(projectDir, options.renderValue);
    let locked = false;
    if (!lock || options.upgrade || lock.hash !== hash) {
      if (specified.packages.length === 0) onLog('Warning: No packages were found in packages.yml', 'warn');
      else {
        const resolved = await resolvePackages(specified.packages, ctx, root.name);
        writeLockFile(projectDir, resolved.map(({ pinned, name }) => ({ ...pinned.lockEntry(), name })), hash);
        onLog(`Updating lock file in file path: ${join(projectDir, LOCK_FILE)}`, 'info');
        locked = true;
      }
    }
    if (options.lockOnly) return { installed: [], locked, installPath: root.installPath };

    const installDir = join(projectDir, root.installPath);
    rmSync(installDir, { recursive: true, force: true });
    mkdirSync(installDir, { recursive: true });
    const pinnedSpecs = readLockFile(projectDir, options.renderValue)?.packages ?? [];
    if (pinnedSpecs.length === 0) {
      onLog('Warning: No packages were found in packages.yml', 'warn');
      return { installed: [], locked, installPath: root.installPath };
    }
    const installed: InstalledPackage[] = [];
    for (const pinned of await resolveLocked(pinnedSpecs, ctx)) {
      onLog(`Installing ${pinned.key}`, 'info');
      const name = (await pinned.metadata(ctx)).name;
      await pinned.install(ctx, join(installDir, name));
      onLog(`Installed from ${pinned.describe()}`, 'info');
      if (pinned.latest !== undefined) onLog(pinned.latest !== pinned.version() ? `Updated version available: ${pinned.latest}` : 'Up to date!', 'info');
      if (pinned.subdirectory) onLog(`and subdirectory ${pinned.subdirectory}`, 'info');
      installed.push({ name, source: pinned.kind, from: pinned.key, version: pinned.version(), ...(pinned.latest !== undefined ? { latest: pinned.latest } : {}) });
    }
    const outdated = installed.filter((p) => p.latest !== undefined && p.latest !== p.version).map((p) => p.from);
    if (outdated.length) onLog(`Updates available for packages: [${outdated.map((p) => `'${p}'`).join(', ')}]\nUpdate your versions in packages.yml, then run tsdbt deps`, 'info');
    return { installed, locked, installPath: root.installPath };
  } finally {
    if (!env.DBT_DOWNLOADS_DIR) rmSync(downloadsDir, { recursive: true, force: true });
  }
}

/**
 * dbt deps --add-package: `name@version` appended to packages.yml (created if missing), an entry
 * already naming the package replaced (dbt's check_for_duplicate_packages).
 */
function addPackage(projectDir: string, spec: string, source: 'hub' | 'git' | 'local', onLog: (message: string, level: 'info') => void): void {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  if (source === 'hub' && !version) throw new UsageError('add_package', `--add-package ${spec}: a hub package needs a version`, { hint: 'Write e.g. --add-package dbt-labs/dbt_utils@1.3.0 (or ">=1.0.0,<2.0.0").' });
  const file = join(projectDir, PACKAGES_FILE);
  const data = existsSync(file) ? ((parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>) : { packages: [] };
  const packages = (Array.isArray(data.packages) ? data.packages : []).filter(
    (entry) => !Object.values((entry ?? {}) as Record<string, unknown>).some((v) => typeof v === 'string' && v.includes(name)),
  );
  const key = source === 'hub' ? 'package' : source;
  const versionKey = source === 'git' ? 'revision' : 'version';
  const entry: Record<string, unknown> = { [key]: name };
  if (version) entry[versionKey] = version.includes(',') ? version.split(',') : version;
  writeFileSync(file, stringify({ ...data, packages: [...packages, entry] }, { indentSeq: true }));
  onLog(`Added new package ${name}${version ? `@${version}` : ''} to ${file}`, 'info');
}
