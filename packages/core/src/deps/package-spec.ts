import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from '../shared/errors.js';
import { readYamlFile, type YamlFile } from '../shared/yaml-file.js';

/** One entry of packages.yml / dependencies.yml / package-lock.yml, rendered, by source kind. */
export type PackageSpec = LocalSpec | GitSpec | HubSpec | TarballSpec;

interface SpecBase {
  /** The entry as written (dbt hashes it into the lock file as `unrendered`). */
  readonly unrendered: Readonly<Record<string, unknown>>;
  /** The optional `name:` key (dbt ≥ 1.9; always written in lock files). */
  readonly name?: string;
  /** Where the entry stands, for errors. */
  readonly file: string;
  readonly line: number;
}

export interface LocalSpec extends SpecBase {
  readonly kind: 'local';
  readonly local: string;
}

export interface GitSpec extends SpecBase {
  readonly kind: 'git';
  readonly git: string;
  readonly revision?: string | number;
  readonly warnUnpinned?: boolean;
  readonly subdirectory?: string;
}

export interface HubSpec extends SpecBase {
  readonly kind: 'hub';
  /** `namespace/name` on the hub. */
  readonly package: string;
  /** As written: one spec, a list of specs (kept for the lock hash), or a number. */
  readonly version: string | number | readonly (string | number)[];
  readonly installPrerelease: boolean;
}

export interface TarballSpec extends SpecBase {
  readonly kind: 'tarball';
  readonly tarball: string;
  readonly name: string;
}

/** What a project asks for: its packages and the file that lists them. */
export interface PackagesFile {
  /** `packages.yml` or `dependencies.yml` (relative to the project), or undefined when neither lists packages. */
  readonly file?: string;
  readonly packages: readonly PackageSpec[];
}

export const PACKAGES_FILE = 'packages.yml';
export const DEPENDENCIES_FILE = 'dependencies.yml';

/** Renders a string value of packages.yml (dbt renders env_var() and var() there). */
export type RenderValue = (text: string, file: string) => string;

const identity: RenderValue = (text) => text;

function readOptional(dir: string, name: string): YamlFile | undefined {
  return existsSync(join(dir, name)) ? readYamlFile(join(dir, name), name) : undefined;
}

const mapping = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * The packages a project asks for, with dbt's rules (config/project.py): dependencies.yml's
 * `packages` if it has them, else packages.yml's; both at once, or `projects:` in packages.yml,
 * is an error.
 */
export function readPackagesFile(projectDir: string, render: RenderValue = identity): PackagesFile {
  const packagesYml = readOptional(projectDir, PACKAGES_FILE);
  const dependenciesYml = readOptional(projectDir, DEPENDENCIES_FILE);
  const inPackages = mapping(packagesYml?.data)?.packages !== undefined;
  const inDependencies = mapping(dependenciesYml?.data)?.packages !== undefined;
  if (inPackages && inDependencies)
    throw new ProjectError('packages_file', "The 'packages' key cannot be specified in both packages.yml and dependencies.yml", {
      file: DEPENDENCIES_FILE,
      line: dependenciesYml!.lineOf(['packages']),
      hint: 'Keep the package list in one of the two files.',
    });
  if (packagesYml && mapping(packagesYml.data)?.projects !== undefined)
    throw new ProjectError('packages_file', "The 'projects' key cannot be specified in packages.yml", { file: PACKAGES_FILE, line: packagesYml.lineOf(['projects']), hint: 'Move it to dependencies.yml.' });
  const source = inDependencies ? dependenciesYml! : inPackages ? packagesYml! : undefined;
  if (!source) return { packages: [] };
  return { file: source.file, packages: parsePackageList(source, render) };
}

/** The `packages:` list of a packages, dependencies or lock file, validated as dbt's PackageConfig. */
export function parsePackageList(yaml: YamlFile, render: RenderValue = identity): PackageSpec[] {
  const list = mapping(yaml.data)?.packages;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw malformed(yaml, ['packages'], "'packages' must be a list of package entries");
  return list.map((raw, i) => parseEntry(yaml, i, raw, render));
}

function malformed(yaml: YamlFile, path: (string | number)[], reason: string): ProjectError {
  return new ProjectError('packages_file', `The ${yaml.file} file in this project is malformed: ${reason}`, {
    file: yaml.file,
    line: yaml.lineOf(path),
    hint: 'Each entry is one of: local: <path>; git: <url> (revision, subdirectory); package: <namespace/name> with version; tarball: <url> with name. See https://docs.getdbt.com/docs/build/packages',
  });
}

function parseEntry(yaml: YamlFile, i: number, raw: unknown, render: RenderValue): PackageSpec {
  const entry = mapping(raw);
  if (!entry) throw malformed(yaml, ['packages', i], `entry ${i + 1} is not a mapping`);
  const at = { unrendered: entry, file: yaml.file, line: yaml.lineOf(['packages', i]) };
  const str = (key: string): string | undefined => {
    const v = entry[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw malformed(yaml, ['packages', i, key], `'${key}' must be a string`);
    return render(String(v), yaml.file);
  };
  const name = str('name');
  const required = (key: string, kind: string): string => {
    const v = str(key);
    if (!v) throw malformed(yaml, ['packages', i, key], `A ${kind} package is missing the value. It is a required property.`);
    return v;
  };
  if ('local' in entry) return { kind: 'local', local: required('local', 'local'), ...(name ? { name } : {}), ...at };
  if ('git' in entry) {
    const revision = entry.revision === undefined || entry.revision === null ? undefined : typeof entry.revision === 'number' ? entry.revision : render(String(entry.revision), yaml.file);
    const warn = entry['warn-unpinned'];
    return {
      kind: 'git',
      git: required('git', 'git'),
      ...(revision !== undefined ? { revision } : {}),
      ...(typeof warn === 'boolean' ? { warnUnpinned: warn } : {}),
      ...(str('subdirectory') ? { subdirectory: str('subdirectory') } : {}),
      ...(name ? { name } : {}),
      ...at,
    };
  }
  if ('package' in entry) {
    const pkg = required('package', 'hub');
    const version = entry.version;
    if (version === undefined || version === null || version === '' || (Array.isArray(version) && version.length === 0))
      throw malformed(yaml, ['packages', i], `${pkg} is missing the version. When installing from the Hub package index, version is a required property`);
    if (!pkg.includes('/'))
      throw malformed(yaml, ['packages', i, 'package'], `${pkg} was not found in the package index. Packages on the index require a namespace, e.g dbt-labs/dbt_utils`);
    const rendered = Array.isArray(version)
      ? version.map((v) => (typeof v === 'number' ? v : render(String(v), yaml.file)))
      : typeof version === 'number'
        ? version
        : render(String(version), yaml.file);
    return { kind: 'hub', package: pkg, version: rendered, installPrerelease: entry['install-prerelease'] === true || entry.install_prerelease === true, ...(name ? { name } : {}), ...at };
  }
  if ('tarball' in entry) {
    const tarball = required('tarball', 'tarball');
    if (!name) throw malformed(yaml, ['packages', i], `the tarball package ${tarball} needs a 'name' (the folder it installs to)`);
    return { kind: 'tarball', tarball, name, ...at };
  }
  if ('private' in entry)
    throw new ProjectError('packages_file', `Cannot resolve private package ${String(entry.private)} because git provider integration is missing. Please use a "git" package instead.`, { file: yaml.file, line: at.line });
  throw malformed(yaml, ['packages', i], `entry ${i + 1} has none of local, git, package, tarball`);
}

/** The version specs of a hub entry, as strings. */
export function hubVersions(spec: HubSpec): string[] {
  return (Array.isArray(spec.version) ? spec.version : [spec.version]).map(String);
}
