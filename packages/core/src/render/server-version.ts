import type { RenderWarehouse } from './render-state.js';

/**
 * dbt-clickhouse's `adapter.is_before_version(v)` / `adapter.is_at_or_after_version(v)`, which copies
 * of its macros in projects call (`{% if not adapter.is_before_version('22.7.1.2484') %} empty …`).
 * As in dbt-clickhouse: both are false without a connection (while the project parses), versions
 * compare part by part numerically over the parts both have (util.compare_versions), and a part that
 * is not a number is its error.
 */
const versions = new WeakMap<RenderWarehouse, string>();

export function serverVersion(w: RenderWarehouse): string {
  let v = versions.get(w);
  if (v === undefined) {
    v = String(w.runQuery('SELECT version()').rows[0]?.[0] ?? '');
    versions.set(w, v);
  }
  return v;
}

/** 1 when a > b, -1 when a < b, 0 when equal on the parts both have. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (!/^\s*[+-]?\d+\s*$/.test(pa[i]!) || !/^\s*[+-]?\d+\s*$/.test(pb[i]!)) throw new VersionFormatError("Version must consist of only numbers separated by '.'");
    const x = Number(pa[i]);
    const y = Number(pb[i]);
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

export class VersionFormatError extends Error {}
