import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';

/*
 * What the files a load reads look like, cheaply, as git's index sees a work tree: each file's
 * mtime, size and inode (a stat, no read). The warm start (load/warm-start.ts) compares a fresh scan
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

/** Absolute path → fingerprint (`mtimeMs:size:ino`, plus `#<hash>` for racy files; `-` absent, `!<code>` unreadable). */
export type InputScan = Map<string, string>;

/** Files modified this close to the scan (ms) may change again unseen by mtime (coarse clocks tick at 1–10 ms). */
const RACY_MS = 50;

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
  const fp = `${s.mtimeMs}:${s.size}:${s.ino}`;
  return s.mtimeMs >= now - RACY_MS ? `${fp}#${contentHash(path)}` : fp;
}

/** Fingerprints of every file in `spec` (hidden names in trees are skipped, as the loader skips them). */
export function scanInputs(spec: InputSpec): InputScan {
  const now = Date.now();
  const out: InputScan = new Map();
  for (const f of spec.files) out.set(f, fingerprint(f, now));
  const walk = (dir: string, deep: boolean, folders = false) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = `${dir}/${e.name}`; // dir is absolute and normal: join's normalisation costs more than the stat on 10,000 files
      if (!e.isDirectory()) out.set(path, fingerprint(path, now));
      else if (deep) walk(path, true);
      else if (folders) out.set(path, 'dir');
    }
  };
  for (const d of spec.shallow) walk(d, false);
  for (const d of spec.listed) {
    out.set(d, fingerprint(d, now));
    walk(d, false, true);
  }
  for (const t of spec.trees) {
    out.set(t, fingerprint(t, now)); // a tree that is absent, or a file, differs from a folder
    walk(t, true);
  }
  return out;
}

/**
 * The paths whose fingerprint differs between `before` and `now` (added, removed or changed), in
 * scan order. A racy file's text is hashed again: equal stats with another text are a change.
 */
export function changedInputs(before: ReadonlyMap<string, string>, now: InputScan): string[] {
  const changed: string[] = [];
  for (const [path, fp] of now) {
    const old = before.get(path);
    if (old === fp) continue;
    const cut = old?.indexOf('#') ?? -1;
    // Stored while racy, now plain: the same stats and the same text is the same file.
    if (old !== undefined && cut > 0 && old.slice(0, cut) === fp && old.slice(cut + 1) === contentHash(path)) continue;
    changed.push(path);
  }
  for (const path of before.keys()) if (!now.has(path)) changed.push(path);
  return changed;
}
