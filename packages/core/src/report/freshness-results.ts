import type { FreshnessThreshold, SourceNode } from '../manifest/nodes.js';
import { artifactMetadata, writeJson } from './artifacts.js';

/** dbt's FreshnessStatus. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

/** The freshness of one source table (one row of sources.json). */
export interface FreshnessResult {
  readonly uniqueId: string;
  readonly node: SourceNode;
  readonly status: FreshnessStatus;
  /** ISO UTC; absent when the query failed. */
  readonly maxLoadedAt?: string;
  readonly snapshottedAt?: string;
  readonly ageSeconds?: number;
  readonly criteria: FreshnessThreshold;
  /** The error, for `runtime error`. */
  readonly message?: string;
  readonly executionTime: number;
  readonly startedAt: string;
  readonly completedAt: string;
}

const rule = (r: FreshnessThreshold['warnAfter']) => (r === null ? null : r ? { count: r.count, period: r.period } : { count: null, period: null });

/** A UTC time as dbt writes a zone-aware datetime (Python's isoformat): `2016-09-19T14:45:51+00:00`, a fraction only when there is one. */
function pythonIso(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const [whole, fraction = ''] = iso.replace(/Z$/, '').split('.');
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  return `${whole}${/^0+$/.test(micros) ? '' : `.${micros}`}+00:00`;
}

/** target/sources.json (or `--output`) in dbt's sources v3 shape. */
export function writeSourcesJson(path: { dir: string; name: string }, results: readonly FreshnessResult[], elapsed: number, invocationId: string, secrets: readonly string[] = []): string {
  return writeJson(path.dir, path.name, {
    metadata: artifactMetadata('https://schemas.getdbt.com/dbt/sources/v3.json', invocationId),
    results: results.map((r) =>
      r.status === 'runtime error'
        ? { unique_id: r.uniqueId, error: r.message ?? '', status: r.status }
        : {
            unique_id: r.uniqueId,
            max_loaded_at: pythonIso(r.maxLoadedAt),
            snapshotted_at: pythonIso(r.snapshottedAt),
            max_loaded_at_time_ago_in_s: r.ageSeconds,
            status: r.status,
            criteria: { warn_after: rule(r.criteria.warnAfter), error_after: rule(r.criteria.errorAfter), filter: r.criteria.filter ?? null },
            adapter_response: {},
            // dbt's two steps; compiling a source does nothing, so it takes no time.
            timing: [
              { name: 'compile', started_at: r.startedAt, completed_at: r.startedAt },
              { name: 'execute', started_at: r.startedAt, completed_at: r.completedAt },
            ],
            thread_id: 'Thread-1',
            execution_time: r.executionTime,
          },
    ),
    elapsed_time: elapsed,
  }, secrets, 2);
}
