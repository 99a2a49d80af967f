import { join } from 'node:path';
import { download, moveFolder, untarSingleFolder } from '../download.js';
import type { TarballSpec } from '../package-spec.js';
import type { DepsContext, PackageMetadata, PinnedPackage, UnpinnedPackage } from '../package-source.js';
import { readPackageMetadata } from '../package-metadata.js';

/**
 * `tarball: <url>` with `name`: a .tar.gz holding one package folder (http(s), file:// or a path
 * relative to the root project). It installs under `name`, whatever its dbt_project.yml says (dbt).
 */
export class TarballPackage implements UnpinnedPackage, PinnedPackage {
  readonly kind = 'tarball' as const;
  readonly key: string;
  readonly keys: readonly string[];
  private extracted?: string;
  private meta?: PackageMetadata;

  constructor(
    readonly tarball: string,
    readonly name: string,
    /** The URL as written (env_var() unrendered), for the lock file. */
    private readonly unrendered: string = tarball,
  ) {
    this.key = name;
    this.keys = [name];
  }

  static from(spec: TarballSpec): TarballPackage {
    return new TarballPackage(spec.tarball, spec.name, typeof spec.unrendered.tarball === 'string' ? spec.unrendered.tarball : spec.tarball);
  }

  incorporate(): TarballPackage {
    return this;
  }

  async resolve(): Promise<TarballPackage> {
    return this;
  }

  version(): string {
    return 'tarball';
  }

  describe(): string {
    return `tarball (url: ${this.tarball})`;
  }

  private async folder(ctx: DepsContext): Promise<string> {
    if (!this.extracted) {
      const tar = join(ctx.downloadsDir, `${this.name}.tar.gz`);
      await download(this.tarball, tar, ctx.projectDir);
      this.extracted = await untarSingleFolder(tar, `${tar}_untarred`, this.tarball);
    }
    return this.extracted;
  }

  async metadata(ctx: DepsContext): Promise<PackageMetadata> {
    this.meta ??= { ...readPackageMetadata(await this.folder(ctx), this.tarball), name: this.name };
    return this.meta;
  }

  async install(ctx: DepsContext, dest: string): Promise<void> {
    moveFolder(await this.folder(ctx), dest);
    this.extracted = undefined;
  }

  lockEntry(): Record<string, unknown> {
    return { tarball: this.unrendered };
  }

  toString(): string {
    return this.tarball;
  }
}
