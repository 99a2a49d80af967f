import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { SAME } from './stat-ahead.js';

/*
 * What the files a load reads look like, cheaply, as git's index sees a work tree: each file's
 * mtime, size, inode and ctime (a stat, no read; ctime as git's index keeps it: an edit that restores the
 * mtime — cp -p, rsync -t, touch -r — and keeps the size still moves it). The warm start (load/warm-start.ts) compares a fresh scan
 * with the one taken before the load it saved: equal scans mean the same inputs.
 * Why stats and not content hashes: on 10,000 files a stat scan costs ~15 ms on /dev/shm and ~25 ms
 * on this disk, reading and hashing them 3–5× that (BENCHMARKS.md, issue 17), and a warm `ls` has
 * 0.3 s in all. What a stat misses, git's "racy" rule catches: a file written in the same clock tick
 * as the scan could change again without changing its mtime, so such a file also carries a hash of
 * its text, checked on every scan.
 */

/**
 * Where a load's inputs live, as absolute paths: single files (present or not), folders whose own
 * files count (not their sub-folders: the project root, whose target/ comes and goes), folders whose
 * sub-folders count by name (packages-install-path: a new package is a change) and folders scanned
 * recursively.
 */
export interface InputSpec {
  readonly files: readonly string[];
  readonly shallow: readonly string[];
  readonly listed: readonly string[];
  readonly trees: readonly string[];
}

/** Absolute path → fingerprint (`mtimeMs:size:ino:ctimeMs`, plus `#<hash>` for racy files; `-` absent, `!<code>` unreadable). */
export type InputScan = Map<string, string>;

/** Files modified this close to the scan (ms) may change again unseen by mtime (coarse clocks tick at 1–10 ms). */
export const RACY_MS = 50;

const contentHash = (path: string) => {
  try {
    return createHash('sha1').update(readFileSync(path)).digest('base64');
  } catch {
    return '?';
  }
};

function fingerprint(path: string, now: number): string {
  let s;
  try {
    s = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A link that loops, a file that cannot be read: the load reports it; here it is only a state.
    return `!${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
  if (!s) return '-';
  if (s.isDirectory()) return 'dir';
  const fp = `${s.mtimeMs}:${s.size}:${s.ino}:${s.ctimeMs}`;
  return s.mtimeMs >= now - RACY_MS ? `${fp}#${contentHash(path)}` : fp;
}

/**
 * Calls `file` for each path of `spec` whose fingerprint is its stat's and `folder` for each listed
 * sub-folder, in scan order (single files, shallow folders, listed folders, trees; each folder as
 * readdir gives it); stops when one returns false.
 */
function walkInputs(spec: InputSpec, file: (path: string) => boolean, folder: (path: string) => boolean): void {
  for (const f of spec.files) if (!file(f)) return;
  const walk = (dir: string, deep: boolean, folders = false): boolean => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = `${dir}/${e.name}`; // dir is absolute and normal: join's normalisation costs more than the stat on 10,000 files
      if (!e.isDirectory()) {
        if (!file(path)) return false;
      } else if (deep) {
        if (!walk(path, true)) return false;
      } else if (folders && !folder(path)) return false;
    }
    return true;
  };
  for (const d of spec.shallow) if (!walk(d, false)) return;
  for (const d of spec.listed) if (!file(d) || !walk(d, false, true)) return;
  // A tree that is absent, or a file, differs from a folder: its own fingerprint first.
  for (const t of spec.trees) if (!file(t) || !walk(t, true)) return;
}

/** Fingerprints of every file in `spec` (hidden names in trees are skipped, as the loader skips them). */
export function scanInputs(spec: InputSpec): InputScan {
  const now = Date.now();
  const out: InputScan = new Map();
  walkInputs(
    spec,
    (path) => (out.set(path, fingerprint(path, now)), true),
    (path) => (out.set(path, 'dir'), true),
  );
  return out;
}

/**
 * A scan as saved: the paths (one text, NUL between: no path holds one), each plain fingerprint's mtime, size and inode as numbers,
 * and the other fingerprints (absent, a folder, an error, a racy file's) by position. Read back,
 * sameScan compares a fresh stat with four numbers — no fingerprint text made, no map of 10,000
 * paths built — and only when something differs is the scan made a map again (decodeScan).
 */
export interface ScanColumns {
  readonly paths: string;
  readonly stats: Float64Array;
  readonly other: readonly (readonly [number, string])[];
}

const PLAIN = /^(\d+(?:\.\d+)?):(\d+):(\d+):(\d+(?:\.\d+)?)$/;
/** Numbers saved per plain fingerprint: mtime, size, inode, ctime. */
export const STAT_FIELDS = 4;

/** Whether `st` is the plain saved fingerprint at `at` in `stats`, and not racy. */
export function sameSavedStat(st: { mtimeMs: number; size: number; ino: number; ctimeMs: number }, stats: Float64Array, at: number, now: number): boolean {
  return st.mtimeMs === stats[at] && st.size === stats[at + 1] && st.ino === stats[at + 2] && st.ctimeMs === stats[at + 3] && st.mtimeMs < now - RACY_MS;
}

/** `scan` as saved (in its order). */
export function encodeScan(scan: ReadonlyMap<string, string>): ScanColumns {
  const stats = new Float64Array(STAT_FIELDS * scan.size);
  const other: [number, string][] = [];
  let k = 0;
  for (const fp of scan.values()) {
    const m = PLAIN.exec(fp);
    // Plain only when the numbers give the same text back (then comparing numbers is comparing texts).
    if (m && `${Number(m[1])}:${Number(m[2])}:${Number(m[3])}:${Number(m[4])}` === fp) stats.set([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])], STAT_FIELDS * k);
    else other.push([k, fp]);
    k++;
  }
  return { paths: [...scan.keys()].join('\0'), stats, other };
}

let scanMaps = 0;
/** How many saved scans were made maps again in this process (tests check an update after an edit makes none). */
export function scanMapsMade(): number {
  return scanMaps;
}

/** A saved scan as a map again. */
export function decodeScan(columns: ScanColumns): InputScan {
  scanMaps++;
  const paths = columns.paths === '' ? [] : columns.paths.split('\0');
  const other = new Map(columns.other);
  const { stats } = columns;
  return new Map(paths.map((path, k) => [path, other.get(k) ?? `${stats[STAT_FIELDS * k]}:${stats[STAT_FIELDS * k + 1]}:${stats[STAT_FIELDS * k + 2]}:${stats[STAT_FIELDS * k + 3]}`]));
}

/**
 * What a fresh scan of `spec` finds different from the saved scan with `overrides` (path → a later
 * fingerprint, null: gone) applied: the fresh fingerprint of each path that changed (empty: nothing,
 * as changedInputs would say), taken as the walk meets it. Undefined when the files are not the saved
 * ones in the saved order (a file added or removed, a folder listed in another order): the caller
 * then scans and compares in full.
 */
export function scanDiff(
  spec: InputSpec,
  columns: ScanColumns,
  overrides: ReadonlyMap<string, string | null>,
  /** Saved files another thread found with their saved stats, by position (load/stat-ahead.ts): not stat'ed again. */
  ahead?: { readonly marks: Uint8Array; readonly mainAt: Int32Array; skipped: number },
): Map<string, string> | undefined {
  const now = Date.now();
  const paths = columns.paths === '' ? [] : columns.paths.split('\0');
  const { stats } = columns;
  if (stats.length !== STAT_FIELDS * paths.length) return undefined;
  const other = new Map(columns.other);
  let kept = 0;
  for (const fp of overrides.values()) if (fp !== null) kept++;
  const diff = new Map<string, string>();
  let k = 0;
  let visited = 0;
  let known = true;
  const skipGone = () => {
    while (k < paths.length && overrides.get(paths[k]!) === null) k++;
  };
  const check = (path: string, isFolder: boolean): boolean => {
    skipGone();
    const inOrder = k < paths.length && paths[k] === path;
    const override = overrides.get(path);
    if (override === undefined && !inOrder) return (known = false);
    if (inOrder) k++;
    if (override !== undefined && override !== null) visited++;
    const saved = override !== undefined ? override : other.get(k - 1);
    if (saved === null) {
      diff.set(path, isFolder ? 'dir' : fingerprint(path, now));
      return true;
    }
    if (saved === undefined && !isFolder) {
      // A plain saved fingerprint: the same file, not modified since, still not racy.
      if (ahead) {
        Atomics.store(ahead.mainAt, 0, k - 1);
        if (ahead.marks[k - 1] === SAME) return (ahead.skipped++, true);
      }
      const at = STAT_FIELDS * (k - 1);
      let st;
      try {
        st = statSync(path, { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      if (st && !st.isDirectory() && sameSavedStat(st, stats, at, now)) return true;
    }
    const fresh = isFolder ? 'dir' : fingerprint(path, now);
    if (saved === undefined || !sameFingerprint(saved, fresh, path)) diff.set(path, fresh);
    return true;
  };
  // An installed package is a listed sub-folder and a tree too: the scan (a map) holds it once, where the listed
  // folder met it; its second visit as a tree's root is that same entry (else a project with a package never took this path).
  const folders = new Set<string>();
  walkInputs(
    spec,
    (path) => folders.has(path) || check(path, false),
    (path) => (folders.add(path), check(path, true)),
  );
  if (!known) return undefined;
  skipGone();
  return k === paths.length && visited === kept ? diff : undefined;
}

/** Whether fingerprint `now` of `path` is saved fingerprint `before` (a racy one: the same stats and the same text). */
function sameFingerprint(before: string, now: string, path: string): boolean {
  if (before === now) return true;
  const cut = before.indexOf('#');
  return cut > 0 && before.slice(0, cut) === now && before.slice(cut + 1) === contentHash(path);
}

/**
 * The paths whose fingerprint differs between `before` and `now` (added, removed or changed), in
 * scan order. A racy file's text is hashed again: equal stats with another text are a change.
 */
export function changedInputs(before: ReadonlyMap<string, string>, now: InputScan): string[] {
  const changed: string[] = [];
  for (const [path, fp] of now) {
    const old = before.get(path);
    // Stored while racy, now plain: the same stats and the same text is the same file.
    if (old !== undefined && sameFingerprint(old, fp, path)) continue;
    changed.push(path);
  }
  for (const path of before.keys()) if (!now.has(path)) changed.push(path);
  return changed;
}
