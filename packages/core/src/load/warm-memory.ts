import { statSync } from 'node:fs';
import type { InputSpec, ScanColumns } from './input-fingerprint.js';
import { findKeptInputs } from './stat-ahead.js';
import { fileIdentity } from './warm-start-file.js';
import type { SavedLoad } from './warm-start.js';

/*
 * Warm starts kept in memory between commands, for a process that runs many (the resident process,
 * `tsdbt daemon`): the saved load a command read back — its manifest with the nodes it decoded, the
 * saved stat scan and what the key, environment and --vars were — is handed to the next command
 * instead of being read, checked and decoded from target/warm_start.bin again. Only when nothing
 * changed: the file is the very one read (same device, inode, size, mtime and ctime: tsdbt replaces
 * a warm start by rename and appends deltas, never writes one in place), the key and the values of
 * the environment variables and --vars the load read are the same, and a fresh stat scan of every
 * input finds each file as saved (load/input-fingerprint.ts scanDiff, the racy rule included) —
 * the same checks readWarmStart makes, so a kept load is used exactly when the file's would be.
 * Anything else forgets it; when only input files or --vars changed, the update (load/warm-update.ts) starts from the
 * kept load — its nodes already decoded, the scan just taken — and reads of the file only what an update needs (its
 * inputs, deltas and internals), else the file is read as without memory. A load a command made (in full,
 * or brought up to date and appended to the file) is kept as the file now says it, with the scan
 * taken before that load read its files: the next command needs not read it back. Commands never change a loaded
 * manifest (watch mode runs on one across reloads too), so one kept load serves them one after another.
 * Off unless turned on (keepWarmStarts): a one-command process would only hold memory longer.
 */

/** A saved load read back, as kept for the next command. */
export interface KeptWarmStart {
  /** fileIdentity() of the warm-start file it was read from. */
  readonly fileIdentity: string;
  readonly key: Readonly<Record<string, string>>;
  readonly spec: InputSpec;
  readonly scan: ScanColumns;
  /** The deltas' fingerprints over the saved scan's (null: no longer scanned). */
  readonly overrides: ReadonlyMap<string, string | null>;
  /** Environment variables the load read (name → readValue), the saved --vars (name → readValue). */
  readonly env: ReadonlyMap<string, string | undefined>;
  readonly cliVars: ReadonlyMap<string, string | undefined>;
  /** What readWarmStart returned for it (identity and deltaNodes included). */
  readonly load: SavedLoad;
}

/** At most this many warm starts are kept (one per project and target a resident process serves, usually one). */
const MAX_KEPT = 2;

let keeping = false;
const kept = new Map<string, KeptWarmStart>();
let hits = 0;
let updates = 0;

/** Turns keeping warm starts in memory on (a resident process) or off (and forgets them). */
export function keepWarmStarts(on: boolean): void {
  keeping = on;
  if (!on) kept.clear();
  // The resident process's stat thread is given the kept scan of the warm start a command is guessed to read (load/stat-ahead.ts).
  findKeptInputs(on ? (file) => kept.get(file)?.scan : undefined);
}

/** Whether warm starts are kept (what is kept may then be prepared). */
export function keepingWarmStarts(): boolean {
  return keeping;
}

/** fileIdentity() of `file` now (undefined: gone). */
export function statIdentity(file: string): string | undefined {
  try {
    return fileIdentity(statSync(file));
  } catch {
    return undefined;
  }
}

/** The warm start kept for `file` when it was read from the file now at `fileIdentity` with `key`. */
export function keptWarmStart(file: string, fileIdentity: string, key: Readonly<Record<string, string>>): KeptWarmStart | undefined {
  const k = kept.get(file);
  if (!k) return undefined;
  const names = new Set([...Object.keys(key), ...Object.keys(k.key)]);
  if (k.fileIdentity === fileIdentity && [...names].every((name) => key[name] === k.key[name])) return k;
  // Another file now, or other load options: what the file says decides (and is kept in its place).
  kept.delete(file);
  return undefined;
}

/** Keeps what a command read from `file` for the next (when keeping is on). */
export function keepWarmStart(file: string, entry: KeptWarmStart): void {
  if (!keeping) return;
  kept.delete(file);
  kept.set(file, entry);
  while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
}

/** Forgets the warm start kept for `file` (it changed, or is gone). */
export function forgetWarmStart(file: string): void {
  kept.delete(file);
}

/** Whether `load` is a kept warm start (readWarmStart served it from memory). */
export function isKeptLoad(load: SavedLoad): boolean {
  for (const k of kept.values()) if (k.load === load) return true;
  return false;
}

/** Counts a load served from memory. */
export function countKeptHit(): void {
  hits++;
}

/** How many loads this process served from a kept warm start (tests, benchmarks). */
export function keptWarmStartHits(): number {
  return hits;
}

/** Counts an update (an edited input, changed --vars) that started from a kept warm start instead of the file's load. */
export function countKeptUpdate(): void {
  updates++;
}

/** How many updates of this process started from a kept warm start (tests, benchmarks). */
export function keptWarmStartUpdates(): number {
  return updates;
}
