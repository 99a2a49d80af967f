import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ProjectError } from '../../shared/errors.js';
import { moveFolder } from '../download.js';
import { checkout, git } from '../git.js';
import type { GitSpec } from '../package-spec.js';
import type { DepsContext, PackageMetadata, PinnedPackage, UnpinnedPackage } from '../package-source.js';
import { readPackageMetadata } from '../package-metadata.js';

const PIN_URL = 'https://docs.getdbt.com/docs/package-management#section-specifying-package-versions';

/** A local path (not a URL) given as a git remote is read relative to the root project. */
function remote(git: string, projectDir: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(git) || /^[^/]+@[^:]+:/.test(git) ? git : resolve(projectDir, git);
}

/** `git: <url>` with `revision` and `subdirectory`, before resolution: its requested revisions. */
export class GitRequirement implements UnpinnedPackage {
  readonly kind = 'git' as const;
  readonly key: string;
  readonly keys: readonly string[];

  constructor(
    readonly git: string,
    readonly revisions: readonly string[],
    readonly warnUnpinned: boolean,
    readonly subdirectory?: string,
    /** The URL as written (env_var() calls unrendered): what the lock file records, so no secret lands in it. */
    readonly unrendered: string = git,
  ) {
    this.key = subdirectory ? `${git}/${subdirectory}` : git;
    // dbt's all_names: the URL with and without `.git`.
    const other = git.endsWith('.git') ? git.slice(0, -4) : `${git}.git`;
    this.keys = subdirectory ? [this.key, `${other}/${subdirectory}`] : [git, other];
  }

  static from(spec: GitSpec): GitRequirement {
    const unrendered = typeof spec.unrendered.git === 'string' ? spec.unrendered.git : spec.git;
    return new GitRequirement(spec.git, spec.revision === undefined ? [] : [String(spec.revision)], spec.warnUnpinned !== false, spec.subdirectory, unrendered);
  }

  incorporate(other: UnpinnedPackage): GitRequirement {
    const o = other as GitRequirement;
    return new GitRequirement(this.git, [...this.revisions, ...o.revisions], this.warnUnpinned && o.warnUnpinned, this.subdirectory, this.unrendered);
  }

  async resolve(): Promise<GitPackage> {
    const requested = [...new Set(this.revisions)];
    if (requested.length > 1)
      throw new ProjectError('deps_conflict', `git dependencies should contain exactly one version. ${this.key} contains: {${requested.map((r) => `'${r}'`).join(', ')}}`, {
        hint: 'Pin the package to one revision everywhere it is required.',
      });
    return new GitPackage(this.git, requested[0] ?? 'HEAD', this.warnUnpinned, this.subdirectory, this.unrendered);
  }

  toString(): string {
    return this.key;
  }
}

/** A git package at one revision; checking it out pins the revision to the commit SHA (for the lock file). */
export class GitPackage implements PinnedPackage {
  readonly kind = 'git' as const;
  readonly key: string;
  private sha?: string;
  private checkedOut?: string;
  private meta?: PackageMetadata;

  constructor(
    readonly git: string,
    readonly revision: string,
    private readonly warnUnpinned: boolean,
    readonly subdirectory?: string,
    private readonly unrendered: string = git,
  ) {
    this.key = subdirectory ? `${git}/${subdirectory}` : git;
  }

  version(): string {
    return this.sha ?? this.revision;
  }

  describe(): string {
    return this.revision === 'HEAD' ? 'HEAD (default revision)' : `revision ${this.version()}`;
  }

  /** The checkout (of the package folder: the subdirectory when one is set), made once per deps run. */
  private async folder(ctx: DepsContext): Promise<string> {
    if (!this.checkedOut) {
      const dir = join(ctx.downloadsDir, createHash('md5').update(`${this.key}@${this.revision}`).digest('hex'));
      if (!existsSync(dir)) await checkout(remote(this.git, ctx.projectDir), this.revision === 'HEAD' ? undefined : this.revision, dir, ctx.downloadsDir);
      this.sha = await git(dir, ['rev-parse', 'HEAD'], `Reading the revision of ${this.git}`);
      this.checkedOut = this.subdirectory ? join(dir, this.subdirectory) : dir;
      if (!existsSync(this.checkedOut))
        throw new ProjectError('deps_git', `The git package ${this.git} has no subdirectory '${this.subdirectory}' at ${this.revision}`, { hint: 'Check the subdirectory: it is relative to the repository root.' });
    }
    return this.checkedOut;
  }

  async metadata(ctx: DepsContext): Promise<PackageMetadata> {
    if (!this.meta) {
      const dir = await this.folder(ctx);
      if (this.warnUnpinned && ['HEAD', 'main', 'master'].includes(this.revision))
        ctx.onLog(`The git package "${this.git}" is ${this.revision === 'HEAD' ? 'not pinned' : `pinned to the "${this.revision}" branch`}. This can introduce breaking changes into your project without warning! See ${PIN_URL}`, 'warn');
      this.meta = readPackageMetadata(dir, this.key);
    }
    return this.meta;
  }

  async install(ctx: DepsContext, dest: string): Promise<void> {
    moveFolder(await this.folder(ctx), dest);
    this.checkedOut = undefined; // moved away: a second install checks out again
  }

  lockEntry(): Record<string, unknown> {
    return { git: this.unrendered, revision: this.version(), ...(this.subdirectory ? { subdirectory: this.subdirectory } : {}) };
  }

  toString(): string {
    return this.key;
  }
}
