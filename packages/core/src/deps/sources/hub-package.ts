import { join } from 'node:path';
import { ProjectError } from '../../shared/errors.js';
import { filterInstallable, parseVersion, rangeString, reduceVersions, resolveToSpecificVersion, SemverError, versionsCompatible, type VersionSpec } from '../../shared/semver.js';
import { download, moveFolder, untarSingleFolder } from '../download.js';
import type { HubVersion } from '../hub-client.js';
import { hubVersions, parsePackageList, type HubSpec, type PackageSpec } from '../package-spec.js';
import type { DepsContext, PackageMetadata, PinnedPackage, UnpinnedPackage } from '../package-source.js';

/** dbt's is_compatible_version: the hub version's require_dbt_version admits the dbt version the root project runs as. */
function compatible(info: HubVersion, dbtVersion: string): boolean {
  const required = info.require_dbt_version;
  if (!required || (Array.isArray(required) && required.length === 0)) return true;
  const specs = Array.isArray(required) ? required.map(String) : [String(required)];
  try {
    return versionsCompatible([`=${dbtVersion}`, ...specs]);
  } catch (error) {
    if (error instanceof SemverError) return false;
    throw error;
  }
}

/** `package: namespace/name` with `version` ranges, before resolution (dbt's RegistryUnpinnedPackage). */
export class HubRequirement implements UnpinnedPackage {
  readonly kind = 'hub' as const;
  readonly keys: readonly string[];

  constructor(
    readonly key: string,
    readonly versions: readonly VersionSpec[],
    readonly installPrerelease: boolean,
  ) {
    this.keys = [key];
  }

  static from(spec: HubSpec): HubRequirement {
    const versions = hubVersions(spec).map((v) => {
      try {
        return parseVersion(v);
      } catch (error) {
        throw new ProjectError('packages_file', `${spec.package}: ${(error as Error).message}`, { file: spec.file, line: spec.line, hint: 'Write versions as e.g. [">=1.0.0", "<2.0.0"] or 1.1.1.' });
      }
    });
    return new HubRequirement(spec.package, versions, spec.installPrerelease);
  }

  incorporate(other: UnpinnedPackage): HubRequirement {
    return new HubRequirement(this.key, [...this.versions, ...(other as HubRequirement).versions], this.installPrerelease);
  }

  /** dbt's resolution: the ranges of every requirement reduced to one, then the newest installable version in it. */
  async resolve(ctx: DepsContext): Promise<HubPackage> {
    if (!(await ctx.hub.index()).includes(this.key))
      throw new ProjectError('deps_not_found', `Package ${this.key} was not found in the package index`, { hint: 'Check the package name (namespace/name) on hub.getdbt.com, or use a git: or local: entry.' });
    let range;
    try {
      range = reduceVersions(this.versions);
    } catch (error) {
      if (!(error instanceof SemverError)) throw error;
      throw new ProjectError('deps_conflict', `Version error for package ${this.key}: ${error.message}`, {
        hint: 'Two requirements of this package (yours or another package\'s) admit no common version: widen one of the ranges, or pick versions of the other packages that agree.',
      });
    }
    const all = await ctx.hub.versions(this.key);
    const usable = Object.entries(all).filter(([, info]) => !ctx.versionCheck || compatible(info, ctx.dbtVersion)).map(([v]) => v);
    const prerelease = this.installPrerelease || this.versions.some((v) => v.prerelease);
    const installable = filterInstallable(usable, prerelease);
    const target = installable.length ? resolveToSpecificVersion(range, installable) : undefined;
    if (!target)
      throw new ProjectError('deps_version_not_found', `Could not find a matching compatible version for package ${this.key}\n  Requested range: ${rangeString(range)}\n  Compatible versions: [${installable.map((v) => `'${v}'`).join(', ')}]\n  Not shown: package versions incompatible with dbt ${ctx.dbtVersion}`, {
        hint: 'Change the version range in packages.yml, or run tsdbt deps --no-version-check to include versions that ask for another dbt version.',
      });
    return new HubPackage(this.key, target, installable[installable.length - 1]!);
  }

  toString(): string {
    return this.key;
  }
}

/** One hub package version: its metadata and tarball come from the hub. */
export class HubPackage implements PinnedPackage {
  readonly kind = 'hub' as const;

  constructor(
    readonly key: string,
    private readonly pinned: string,
    readonly latest: string,
  ) {}

  version(): string {
    return this.pinned;
  }

  describe(): string {
    return `version ${this.pinned}`;
  }

  private async info(ctx: DepsContext): Promise<HubVersion> {
    const info = (await ctx.hub.versions(this.key))[this.pinned];
    if (!info) throw new ProjectError('deps_version_not_found', `The package hub has no version ${this.pinned} of ${this.key}`, { hint: 'Run tsdbt deps --upgrade to resolve the versions again.' });
    return info;
  }

  async metadata(ctx: DepsContext): Promise<PackageMetadata> {
    const info = await this.info(ctx);
    const packages: PackageSpec[] = parsePackageList({ file: `${this.key}@${this.pinned}`, data: { packages: info.packages ?? [] }, lineOf: () => 0, nameLine: () => 0, warnings: [] });
    return { name: info.name, packages };
  }

  async install(ctx: DepsContext, dest: string): Promise<void> {
    const info = await this.info(ctx);
    const tar = join(ctx.downloadsDir, `${this.key.replace('/', '.')}.${this.pinned}.tar.gz`);
    await download(info.downloads.tarball, tar, ctx.projectDir);
    moveFolder(await untarSingleFolder(tar, `${tar}_untarred`, info.downloads.tarball), dest);
  }

  lockEntry(): Record<string, unknown> {
    return { package: this.key, version: this.pinned };
  }

  toString(): string {
    return `${this.key}@${this.pinned}`;
  }
}
