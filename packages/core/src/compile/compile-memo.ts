import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';

/*
 * A warm `compile` of an unchanged project again, without compiling: the compiled SQL is a function
 * of the loaded project (a warm start's identity: same files, options, environment) and of the
 * compile's selection. target/.tsdbt-compile-memo keeps the last compile's result under that key:
 * which nodes, their SQL, the hash of each compiled file's text and manifest.json's content key. A
 * compile with the same key takes them from it — no node decoded, no SQL rendered — and still writes
 * target/compiled (only files not as recorded) and manifest.json (new metadata) as a compile would.
 * Anything else (no warm identity, --defer/--state/--empty, a unit test's SQL from the warehouse,
 * secrets) compiles as before and forgets the memo.
 */

const MEMO_FILE = '.tsdbt-compile-memo';

/** One compile's result, as saved. */
export interface CompileMemo {
  readonly key: string;
  readonly ids: readonly string[];
  readonly sqls: readonly string[];
  /** Hash of each compiled file's text (compile/write-compiled.ts). */
  readonly hashes: readonly string[];
  /** manifest.json's content key (report/manifest-reuse.ts). */
  readonly manifestKey: string;
}

/** The memo key of a compile of the warm start `identity` with these selection options (undefined: not memoised). */
export function compileMemoKey(engine: string, identity: string | undefined, options: Readonly<Record<string, unknown>>, selection: Readonly<Record<string, unknown>>): string | undefined {
  if (identity === undefined) return undefined;
  // Only a plain selection: --defer, --state, --empty… read more than the loaded project.
  const known = new Set(['write', ...Object.keys(selection)]);
  if (Object.entries(options).some(([k, v]) => !known.has(k) && v !== undefined && v !== false)) return undefined;
  return createHash('sha1').update(JSON.stringify([engine, identity, Object.entries(selection).filter(([, v]) => v !== undefined)])).digest('base64');
}

/** The memo in `targetDir` when it was saved under `key`. */
export function readCompileMemo(targetDir: string, key: string): CompileMemo | undefined {
  try {
    const bytes = readFileSync(join(targetDir, MEMO_FILE));
    if (bytes.readUInt32BE(0) !== crc32(bytes.subarray(4))) return undefined;
    const memo = deserialize(bytes.subarray(4)) as CompileMemo;
    return memo.key === key && memo.ids.length === memo.sqls.length && memo.ids.length === memo.hashes.length ? memo : undefined;
  } catch {
    return undefined;
  }
}

/** Saves a compile's result (or, without a key, removes the last one). */
export function writeCompileMemo(targetDir: string, memo: CompileMemo | undefined): void {
  const file = join(targetDir, MEMO_FILE);
  try {
    if (!memo) return rmSync(file, { force: true });
    const payload = serialize(memo);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(crc32(payload), 0);
    writeFileSync(file, Buffer.concat([head, payload]));
  } catch {
    // only a shortcut for the next compile
  }
}
