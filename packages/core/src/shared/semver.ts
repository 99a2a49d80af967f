/**
 * dbt's semantic versions (dbt_common/semver.py), for hub version ranges and require-dbt-version:
 * a version with an optional matcher (`>=1.3.0`, `<2.0.0`, `1.1.1`), ranges reduced to one
 * interval, and the highest available version inside it. Ported rule by rule (not npm's semver:
 * dbt's matchers, its prerelease ordering and its "exact version" ranges differ).
 */

export type Matcher = '>' | '>=' | '<' | '<=' | '=';

export interface VersionSpec {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease?: string;
  readonly build?: string;
  readonly matcher: Matcher;
}

/** An open end of a range (dbt's UnboundedVersionSpecifier). */
export const UNBOUNDED = 'unbounded' as const;
type Bound = VersionSpec | typeof UNBOUNDED;

export interface VersionRange {
  readonly start: Bound;
  readonly end: Bound;
}

/** A version string that is not a version, or ranges that cannot all hold. */
export class SemverError extends Error {}

const NUM = '(0|[1-9]\\d*)';
const ALPHA_NO_LEADING_ZEROS = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const ALPHA = '[0-9A-Za-z-]*';
const VERSION = new RegExp(
  `^(?<matcher>>=|>|<|<=|=)?(?<major>${NUM})\\.(?<minor>${NUM})\\.(?<patch>${NUM})` +
    `(-?(?<prerelease>${ALPHA_NO_LEADING_ZEROS}(\\.${ALPHA_NO_LEADING_ZEROS})*))?(\\+(?<build>${ALPHA}(\\.${ALPHA})*))?$`,
);

export function parseVersion(text: string): VersionSpec {
  const m = VERSION.exec(text.trim());
  if (!m?.groups) throw new SemverError(`"${text}" is not a valid semantic version.`);
  const g = m.groups;
  return { major: g.major!, minor: g.minor!, patch: g.patch!, prerelease: g.prerelease, build: g.build, matcher: (g.matcher as Matcher | undefined) ?? '=' };
}

export function versionString(v: VersionSpec, skipMatcher = false): string {
  return `${skipMatcher ? '' : v.matcher}${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}${v.build ? `+${v.build}` : ''}`;
}

const isLower = (v: VersionSpec) => v.matcher === '>' || v.matcher === '>=';
const isUpper = (v: VersionSpec) => v.matcher === '<' || v.matcher === '<=';
const isExact = (b: Bound) => b !== UNBOUNDED && b.matcher === '=';
const cmp = (a: number | string, b: number | string) => (a > b ? 1 : a < b ? -1 : 0);

/** Python's comparison of prerelease tags: numbers before words, then part by part. */
function natCmp(a: string, b: string): number {
  const parts = (s: string) => s.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i]!, pb[i]!];
    const c = typeof x === 'number' && typeof y === 'number' ? cmp(x, y) : typeof x === 'number' ? -1 : typeof y === 'number' ? 1 : cmp(x, y);
    if (c !== 0) return c;
  }
  return cmp(a.length, b.length);
}

/** dbt's VersionSpecifier.compare, matchers included (`>=1.0.0` vs `<=1.0.0` are equal ends). */
export function compare(a: Bound, b: Bound): number {
  if (a === UNBOUNDED || b === UNBOUNDED) return 0;
  for (const key of ['major', 'minor', 'patch'] as const) {
    const c = cmp(Number(a[key]), Number(b[key]));
    if (c !== 0) return c;
  }
  if (a.prerelease !== undefined || b.prerelease !== undefined) {
    if (a.prerelease === undefined) return a.matcher === '<' ? -1 : 1;
    if (b.prerelease === undefined) return -1;
    const c = natCmp(a.prerelease, b.prerelease);
    if (c !== 0) return c;
  }
  if ((a.matcher === '>=' && b.matcher === '<=') || (a.matcher === '<=' && b.matcher === '>=')) return 0;
  if ((a.matcher === '<' && b.matcher === '<=') || (b.matcher === '>' && a.matcher === '>=') || (isUpper(a) && isLower(b))) return -1;
  if ((b.matcher === '<' && a.matcher === '<=') || (a.matcher === '>' && b.matcher === '>=') || (isLower(a) && isUpper(b))) return 1;
  return 0;
}

function toRange(v: VersionSpec): VersionRange {
  if (v.matcher === '=') return { start: v, end: v };
  return isLower(v) ? { start: v, end: UNBOUNDED } : { start: UNBOUNDED, end: v };
}

function combineExact(a: VersionSpec, b: VersionSpec): VersionSpec {
  if (compare(a, b) === 0) return a;
  throw new SemverError('incompatible');
}

function combineLower(a: Bound, b: Bound): Bound {
  if (b === UNBOUNDED) return a;
  if (a === UNBOUNDED) return b;
  if (!isExact(a) && !isExact(b)) return compare(a, b) < 0 ? b : a;
  const [lower, exact] = isExact(a) ? [b, a] : [a, b];
  const c = compare(lower, exact);
  if (c < 0 || (c === 0 && lower.matcher === '>=')) return exact;
  throw new SemverError('incompatible');
}

function combineUpper(a: Bound, b: Bound): Bound {
  if (b === UNBOUNDED) return a;
  if (a === UNBOUNDED) return b;
  if (!isExact(a) && !isExact(b)) return compare(a, b) > 0 ? b : a;
  const [upper, exact] = isExact(a) ? [b, a] : [a, b];
  const c = compare(upper, exact);
  if (c > 0 || (c === 0 && upper.matcher === '<=')) return exact;
  throw new SemverError('incompatible');
}

function reduceRange(a: VersionRange, b: VersionRange): VersionRange {
  let start: Bound;
  let end: Bound;
  if (isExact(a.start) && isExact(b.start)) start = end = combineExact(a.start as VersionSpec, b.start as VersionSpec);
  else {
    start = combineLower(a.start, b.start);
    end = combineUpper(a.end, b.end);
  }
  if (compare(start, end) > 0) throw new SemverError('incompatible');
  return { start, end };
}

/** dbt's reduce_versions: one range satisfying every spec, or a SemverError naming them. */
export function reduceVersions(specs: readonly (VersionSpec | string)[]): VersionRange {
  const list = specs.map((s) => (typeof s === 'string' ? parseVersion(s) : s));
  if (list.length === 0) return { start: UNBOUNDED, end: UNBOUNDED };
  try {
    let range = toRange(list[list.length - 1]!);
    for (const v of list.slice(0, -1)) range = reduceRange(range, toRange(v));
    return range;
  } catch (error) {
    if (!(error instanceof SemverError)) throw error;
    throw new SemverError(`Could not find a satisfactory version from options: [${specs.map((s) => `'${typeof s === 'string' ? s : versionString(s)}'`).join(', ')}]`);
  }
}

/** dbt's versions_compatible. */
export function versionsCompatible(specs: readonly (VersionSpec | string)[]): boolean {
  if (specs.length <= 1) return true;
  try {
    reduceVersions(specs);
    return true;
  } catch (error) {
    if (error instanceof SemverError) return false;
    throw error;
  }
}

/** `version` lies in `range`. */
export function inRange(version: VersionSpec, range: VersionRange): boolean {
  return versionsCompatible([version, ...[range.start, range.end].filter((b): b is VersionSpec => b !== UNBOUNDED)]);
}

/** dbt's resolve_to_specific_version: the highest of `available` in `range`. */
export function resolveToSpecificVersion(range: VersionRange, available: readonly string[]): string | undefined {
  let best: VersionSpec | undefined;
  let bestText: string | undefined;
  for (const text of available) {
    const v = parseVersion(text);
    if (inRange(v, range) && (best === undefined || compare(best, v) < 0)) {
      best = v;
      bestText = text;
    }
  }
  return bestText;
}

/** dbt's filter_installable: releases (and prereleases when asked), sorted from oldest to newest. */
export function filterInstallable(versions: readonly string[], installPrerelease: boolean): string[] {
  return versions
    .map((text) => ({ text, v: parseVersion(text) }))
    .filter(({ v }) => installPrerelease || !v.prerelease)
    .sort((a, b) => compare(a.v, b.v))
    .map(({ text }) => text);
}

/** A range as dbt prints it: `>=1.0.0, <2.0.0`, or `ANY`. */
export function rangeString(range: VersionRange): string {
  const parts = [range.start, range.end].filter((b): b is VersionSpec => b !== UNBOUNDED).map((b) => versionString(b));
  return parts.length === 0 ? 'ANY' : parts.join(', ');
}
