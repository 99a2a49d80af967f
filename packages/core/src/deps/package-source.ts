import type { HubClient } from './hub-client.js';
import type { PackageSpec } from './package-spec.js';

/** What deps needs while resolving and installing. */
export interface DepsContext {
  /** The root project's folder (local paths resolve from it, as in dbt). */
  readonly projectDir: string;
  /** A scratch folder for downloads and checkouts, removed at the end. */
  readonly downloadsDir: string;
  readonly hub: HubClient;
  readonly onLog: (message: string, level: 'info' | 'warn' | 'debug') => void;
  /** false: hub versions whose require_dbt_version excludes dbtVersion are candidates too (--no-version-check). */
  readonly versionCheck: boolean;
  /** The dbt version the root project runs as (dbtVersionFor its require-dbt-version). */
  readonly dbtVersion: string;
}

/** What a package declares about itself: its project name and its own dependencies. */
export interface PackageMetadata {
  readonly name: string;
  readonly packages: readonly PackageSpec[];
}

/**
 * A package requirement before resolution (dbt's UnpinnedPackage): several requirements of one
 * package merge (`incorporate`), then resolve to one pinned version.
 */
export interface UnpinnedPackage {
  readonly kind: PackageSpec['kind'];
  /** dbt's `name` property: how the listing keys this package (hub name, git URL, local path, tarball name). */
  readonly key: string;
  /** Every key this package answers to (a git URL with and without `.git`). */
  readonly keys: readonly string[];
  incorporate(other: UnpinnedPackage): UnpinnedPackage;
  resolve(ctx: DepsContext): Promise<PinnedPackage>;
  /** How dbt prints the requirement in errors. */
  toString(): string;
}

/** One resolved package (dbt's PinnedPackage). */
export interface PinnedPackage {
  readonly kind: PackageSpec['kind'];
  readonly key: string;
  /** The version as the lock file records it (hub version, git SHA once checked out, 'tarball'), if any. */
  version(): string | undefined;
  /** dbt's nice_version_name: `version 1.1.1`, `revision 8d1a…`, `<local @ ../x>`, `tarball (url: …)`. */
  describe(): string;
  /** Reads (downloading or checking out as needed) the package's name and dependencies. */
  metadata(ctx: DepsContext): Promise<PackageMetadata>;
  /** Puts the package at `dest` (a path under the install folder that does not exist). */
  install(ctx: DepsContext, dest: string): Promise<void>;
  /** The package-lock.yml entry (without `name`). */
  lockEntry(): Record<string, unknown>;
  /** Hub packages: the newest compatible version, for the "update available" note. */
  readonly latest?: string;
  /** Git packages: the subdirectory installed. */
  readonly subdirectory?: string;
}
