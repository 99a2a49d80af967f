import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readYamlFile } from '../shared/yaml-file.js';
import { parsePackageList, type PackageSpec, type RenderValue } from './package-spec.js';

export const LOCK_FILE = 'package-lock.yml';

/** Python's json.dumps(value, sort_keys=True): `{"a": 1, "b": [true, null]}`, non-ASCII escaped. */
function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${pyJson(k)}: ${pyJson(obj[k])}`).join(', ')}}`;
}

/** A spec as dbt's PackageSpec.to_dict() writes it (None values kept, a None `name` dropped). */
function contractDict(spec: PackageSpec): Record<string, unknown> {
  const named = spec.name !== undefined ? { name: spec.name } : {};
  switch (spec.kind) {
    case 'local':
      return { local: spec.local, unrendered: spec.unrendered, ...named };
    case 'tarball':
      return { tarball: spec.tarball, name: spec.name, unrendered: spec.unrendered };
    case 'git':
      return { git: spec.git, revision: spec.revision ?? null, 'warn-unpinned': spec.warnUnpinned ?? null, subdirectory: spec.subdirectory ?? null, unrendered: spec.unrendered, ...named };
    case 'hub':
      return { package: spec.package, version: spec.version, install_prerelease: spec.installPrerelease, unrendered: spec.unrendered, ...named };
  }
}

/**
 * dbt's _create_sha1_hash: the hash package-lock.yml records of the packages it was made from, so a
 * changed packages.yml is noticed (and a lock file made by dbt is recognized).
 */
export function packagesHash(specs: readonly PackageSpec[]): string {
  const lines = specs.map((s) => pyJson(contractDict(s))).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

export interface LockFile {
  readonly packages: readonly PackageSpec[];
  readonly hash?: string;
}

export function readLockFile(projectDir: string, render?: RenderValue): LockFile | undefined {
  if (!existsSync(join(projectDir, LOCK_FILE))) return undefined;
  const yaml = readYamlFile(join(projectDir, LOCK_FILE), LOCK_FILE);
  const hash = (yaml.data as Record<string, unknown> | null)?.sha1_hash;
  return { packages: parsePackageList(yaml, render), hash: typeof hash === 'string' ? hash : undefined };
}

/** package-lock.yml in dbt's format: each package's pinned entry with its `name`, keys sorted, then the hash. */
export function writeLockFile(projectDir: string, entries: readonly Record<string, unknown>[], hash: string): void {
  const sorted = entries.map((e) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  writeFileSync(join(projectDir, LOCK_FILE), stringify({ packages: sorted, sha1_hash: hash }, { indentSeq: true, lineWidth: 0 }));
}

