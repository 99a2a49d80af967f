import type { LoadedProject } from '../load/load-project.js';
import { describeTarget, type TargetConfig } from '../load/profiles.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/** One check of `tsdbt debug`: passed, failed (with the error), or not run because an earlier one failed. */
export interface DebugCheck {
  readonly name: 'connection' | 'create_database';
  readonly status: 'ok' | 'error' | 'not_run';
  /** What was checked, as printed: `Connection test`, `Create database 'x'`. */
  readonly label: string;
  readonly error?: unknown;
}

/** The profile keys that mean something for each target type (dbt debug shows only the adapter's own). */
const TARGET_KEYS: Record<TargetConfig['type'], readonly (keyof TargetConfig)[]> = {
  chdb: ['type', 'schema', 'path', 'threads', 'settings'],
  clickhouse: ['type', 'schema', 'host', 'port', 'user', 'password', 'secure', 'cluster', 'threads', 'settings'],
};

/** The target as debug shows it: only the keys of its type, the password masked, empty settings left out. */
export function debugTargetKeys(target: TargetConfig): Record<string, unknown> {
  const shown = describeTarget(target);
  const out: Record<string, unknown> = {};
  for (const key of TARGET_KEYS[target.type]) {
    const v = shown[key];
    if (v === undefined || (key === 'settings' && Object.keys(v as object).length === 0)) continue;
    out[key] = v;
  }
  return out;
}

/**
 * Connects (through `connect`, which opens the warehouse) and checks that the target database can be
 * created. A failed check is reported, never thrown: the later checks are then `not_run`.
 */
export async function runDebugChecks(target: TargetConfig, connect: () => Promise<ClickHouseAdapter>): Promise<{ checks: DebugCheck[]; serverVersion?: string }> {
  const checks: DebugCheck[] = [];
  let serverVersion: string | undefined;
  let adapter: ClickHouseAdapter | undefined;
  try {
    adapter = await connect();
    const [row] = await adapter.client.query<{ v: string }>('SELECT version() AS v');
    serverVersion = row?.v ?? 'unknown';
    checks.push({ name: 'connection', status: 'ok', label: 'Connection test' });
  } catch (error) {
    checks.push({ name: 'connection', status: 'error', label: 'Connection test', error });
    adapter = undefined;
  }
  const label = `Create database '${target.schema}'`;
  if (!adapter) checks.push({ name: 'create_database', status: 'not_run', label });
  else
    try {
      await adapter.ensureDatabase(target.schema);
      checks.push({ name: 'create_database', status: 'ok', label });
    } catch (error) {
      checks.push({ name: 'create_database', status: 'error', label, error });
    }
  return { checks, serverVersion };
}

/** What `debug()` found. */
export interface DebugReport {
  readonly project: { readonly name: string; readonly root: string; readonly file: string; readonly profile: string };
  /** name, source (the profiles.yml) and the keys of the target's type. */
  readonly target: Readonly<Record<string, unknown>>;
  readonly serverVersion?: string;
  readonly checks: readonly DebugCheck[];
  /** True when every check passed. */
  readonly success: boolean;
}

/** `tsdbt debug`: the project, the target (its type's keys, password masked) and the checks. */
export async function debugReport(p: { loaded: LoadedProject; manifest: Manifest; connect: () => Promise<ClickHouseAdapter> }): Promise<DebugReport> {
  const target = p.loaded.target;
  const { checks, serverVersion } = await runDebugChecks(target, p.connect);
  return {
    project: { name: p.manifest.projectName, root: p.loaded.projectRoot, file: p.loaded.projectFile.file, profile: p.loaded.projectFile.profile },
    target: { name: target.name, source: target.source, ...debugTargetKeys(target) },
    serverVersion,
    checks,
    success: checks.every((c) => c.status === 'ok'),
  };
}
