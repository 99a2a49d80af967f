import { cpSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalSpec } from '../package-spec.js';
import type { DepsContext, PackageMetadata, PinnedPackage, UnpinnedPackage } from '../package-source.js';
import { readPackageMetadata } from '../package-metadata.js';

/**
 * `local: <path>`: a package folder on this machine, installed as a symlink (a copy where
 * symlinks are not allowed), as dbt does. The path is relative to the root project, even for a
 * package's own dependencies (dbt resolves it from project_root).
 */
export class LocalPackage implements UnpinnedPackage, PinnedPackage {
  readonly kind = 'local' as const;
  readonly key: string;
  readonly keys: readonly string[];
  private meta?: PackageMetadata;

  constructor(readonly local: string) {
    this.key = local;
    this.keys = [local];
  }

  static from(spec: LocalSpec): LocalPackage {
    return new LocalPackage(spec.local);
  }

  incorporate(): LocalPackage {
    return this;
  }

  async resolve(): Promise<LocalPackage> {
    return this;
  }

  version(): undefined {
    return undefined;
  }

  describe(): string {
    return `<local @ ${this.local}>`;
  }

  toString(): string {
    return this.local;
  }

  path(ctx: DepsContext): string {
    return resolve(ctx.projectDir, this.local);
  }

  async metadata(ctx: DepsContext): Promise<PackageMetadata> {
    this.meta ??= readPackageMetadata(this.path(ctx), this.local);
    return this.meta;
  }

  async install(ctx: DepsContext, dest: string): Promise<void> {
    try {
      symlinkSync(this.path(ctx), dest, 'dir');
    } catch {
      cpSync(this.path(ctx), dest, { recursive: true });
    }
  }

  lockEntry(): Record<string, unknown> {
    return { local: this.local };
  }
}
