import { ProjectError } from '../shared/errors.js';
import type { PackageSpec } from './package-spec.js';
import type { DepsContext, PinnedPackage, UnpinnedPackage } from './package-source.js';
import { GitRequirement } from './sources/git-package.js';
import { HubRequirement } from './sources/hub-package.js';
import { LocalPackage } from './sources/local-package.js';
import { TarballPackage } from './sources/tarball-package.js';

const CLASS_NAMES = { local: 'LocalUnpinnedPackage', git: 'GitUnpinnedPackage', hub: 'RegistryUnpinnedPackage', tarball: 'TarballUnpinnedPackage' } as const;

export function requirementOf(spec: PackageSpec): UnpinnedPackage {
  switch (spec.kind) {
    case 'local':
      return LocalPackage.from(spec);
    case 'git':
      return GitRequirement.from(spec);
    case 'hub':
      return HubRequirement.from(spec);
    case 'tarball':
      return TarballPackage.from(spec);
  }
}

/** dbt's PackageListing: requirements by key, merged when one package is required twice. */
class PackageListing {
  readonly packages = new Map<string, UnpinnedPackage>();

  private keyOf(pkg: UnpinnedPackage): string {
    return pkg.keys.find((k) => this.packages.has(k)) ?? pkg.key;
  }

  get(pkg: UnpinnedPackage): UnpinnedPackage {
    return this.packages.get(this.keyOf(pkg))!;
  }

  incorporate(pkg: UnpinnedPackage): void {
    const key = this.keyOf(pkg);
    const existing = this.packages.get(key);
    if (!existing) {
      this.packages.set(key, pkg);
      return;
    }
    if (existing.kind !== pkg.kind)
      throw new ProjectError('deps_conflict', `Cannot incorporate ${pkg} (${CLASS_NAMES[pkg.kind]}) in ${existing} (${CLASS_NAMES[existing.kind]}): mismatched types`, {
        hint: 'One package is required from two different sources: require it the same way everywhere.',
      });
    this.packages.set(key, existing.incorporate(pkg));
  }
}

/**
 * dbt's resolve_packages: the requirements of packages.yml, then of each package's own
 * packages.yml, merged round by round until no new requirement appears (a version range required
 * twice is reduced; git revisions must agree); then one pinned version each. A package whose
 * project name is the root project's, or two packages with one name, are errors.
 */
export async function resolvePackages(specs: readonly PackageSpec[], ctx: DepsContext, rootName: string): Promise<{ pinned: PinnedPackage; name: string }[]> {
  const final = new PackageListing();
  let pending = specs.map(requirementOf);
  // A requirement already followed (same key, same merged requirement) is not followed again: dependency cycles end.
  const followed = new Set<string>();
  while (pending.length > 0) {
    const next: UnpinnedPackage[] = [];
    for (const pkg of pending) {
      final.incorporate(pkg);
      const merged = final.get(pkg);
      const signature = `${merged.kind}:${merged.key}:${JSON.stringify(merged, (k, v) => (k === 'meta' || k === 'extracted' ? undefined : v))}`;
      if (followed.has(signature)) continue;
      followed.add(signature);
      const metadata = await (await merged.resolve(ctx)).metadata(ctx);
      next.push(...metadata.packages.map(requirementOf));
    }
    pending = next;
  }
  const out: { pinned: PinnedPackage; name: string }[] = [];
  const seen = new Set<string>();
  for (const req of final.packages.values()) {
    const pinned = await req.resolve(ctx);
    const name = (await pinned.metadata(ctx)).name;
    if (name === rootName)
      throw new ProjectError('deps_conflict', `Found a dependency with the same name as the root project "${name}". Package names must be unique in a project. Please rename one of these packages.`, { hint: `${pinned} is the project itself.` });
    if (seen.has(name))
      throw new ProjectError('deps_conflict', `Found duplicate project "${name}". This occurs when a dependency has the same project name as some other dependency.`, { hint: 'Two entries install the same package: keep one.' });
    seen.add(name);
    out.push({ pinned, name });
  }
  return out;
}

/** dbt's resolve_lock_packages: the lock file's entries, each resolved on its own. */
export async function resolveLocked(specs: readonly PackageSpec[], ctx: DepsContext): Promise<PinnedPackage[]> {
  const listing = new PackageListing();
  for (const spec of specs) listing.incorporate(requirementOf(spec));
  const out: PinnedPackage[] = [];
  for (const req of listing.packages.values()) out.push(await req.resolve(ctx));
  return out;
}
