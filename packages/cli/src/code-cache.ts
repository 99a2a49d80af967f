// Loads a CommonJS bundle through V8's code cache: the bytecode V8 compiled for it in an earlier
// process is handed back to V8 (vm.Script's cachedData), so a command does not parse and compile
// tsdbt's ~2 MB of JavaScript again at every start (Node 22's module.enableCompileCache does this
// for modules; Node 20 has no such switch, so the CLI's bundle is CommonJS, run through vm.Script).
// The cache is only an accelerator: anything that does not check out (a missing, foreign, damaged
// or rejected file) is ignored and written again when the process ends, never trusted.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('TSDBT-V8-CODE-CACHE-1\n');

/** What happened to the code cache while loading: V8 took it, there was none, or it did not check out (a new one is written at exit). */
export type CodeCacheState = 'used' | 'missing' | 'rejected' | 'off';

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly cache: CodeCacheState;
  /** The cache file of this bundle, Node and architecture (undefined when caching is off). */
  readonly cacheFile?: string;
}

/**
 * The cache directory: `TSDBT_COMPILE_CACHE` (a folder; `0`/`false`/`off` turns caching off), else
 * `<tmp>/tsdbt-compile-cache-<uid>`. Node's NODE_DISABLE_COMPILE_CACHE also turns it off.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.TSDBT_COMPILE_CACHE;
  if (env.NODE_DISABLE_COMPILE_CACHE || (setting !== undefined && /^(0|false|off|no)$/i.test(setting))) return undefined;
  return setting || join(tmpdir(), `tsdbt-compile-cache-${process.getuid?.() ?? 'user'}`);
}

/** A folder only this user can write (bytecode from it is run): created so, else not used. */
function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0));
  } catch {
    return false;
  }
}

/** The cache's payload when the file is whole (magic, CRC-32 of the payload), else undefined. */
function readCache(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const data = Buffer.allocUnsafe(fstatSync(fd).size);
    if (readSync(fd, data, 0, data.length, 0) !== data.length || data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const payload = data.subarray(MAGIC.length + 4);
    return data.readUInt32LE(MAGIC.length) === crc32(payload) ? payload : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Written whole or not at all: a temporary file renamed into place (another process may write the same file at once). */
function writeCache(file: string, payload: Buffer, bundleName: string): void {
  const header = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(header);
  header.writeUInt32LE(crc32(payload), MAGIC.length);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, payload]), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
  prune(dirname(file), basename(file), `${bundleName}-`);
}

/** Each build of a bundle leaves a cache file: keep the newest few of this bundle's name (other checkouts' among them). */
function prune(dir: string, keep: string, prefix: string, max = 8): void {
  try {
    const files = readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name !== keep)
      .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { name } of files.slice(max - 1)) rmSync(join(dir, name), { force: true });
  } catch {
    // another process pruned at the same time
  }
}

/**
 * The function a CommonJS file runs in, with `globals` bound beside CommonJS's names: the head, then the file's code,
 * then WRAPPER_TAIL. scripts/bundle-cli.mjs writes the CLI's bundle so wrapped.
 */
export function wrapperHead(globals: readonly string[]): string {
  return `(function (${['exports', 'require', 'module', '__filename', '__dirname', ...globals].join(', ')}) {`;
}
export const WRAPPER_TAIL = '\n})';

/**
 * Runs `file` (CommonJS, or already in its wrapper (wrapperHead); ASCII: scripts/bundle-cli.mjs makes it so) as a module whose wrapper also
 * takes `globals` (names bound in its scope), with `require` resolving from `requireFrom`; returns its
 * exports. The cache file is named by the bundle's bytes (CRC-32 and length), Node's version and the
 * architecture, so a rebuilt bundle or another Node never meets an old cache (V8 checks its own
 * version and flags too, and rejects a mismatch).
 */
export function loadWithCodeCache(file: string, options: { readonly requireFrom: string; readonly globals?: Readonly<Record<string, unknown>>; readonly cacheDir?: string }): LoadedBundle {
  const bytes = readFileSync(file);
  const source = bytes.toString('latin1');
  const dir = options.cacheDir;
  const cacheFile = dir && privateDir(dir) ? join(dir, `${basename(file)}-${crc32(bytes).toString(16)}-${bytes.length}-${process.version}-${process.arch}.bin`) : undefined;
  const cachedData = cacheFile ? readCache(cacheFile) : undefined;
  const globals = options.globals ?? {};
  const head = wrapperHead(Object.keys(globals));
  // A file written already wrapped (scripts/bundle-cli.mjs) is compiled as read: wrapping it here made a 2 MB string
  // V8 copied again before compiling (~6-8 ms of a start on this machine).
  const wrapped = source.startsWith('(function (') && source.endsWith(WRAPPER_TAIL);
  if (wrapped && !source.startsWith(head)) throw new Error(`${file} is wrapped for other names than ${head} (rebuild it: npm run build)`);
  const code = wrapped ? source : `${head}${source}${WRAPPER_TAIL}`;
  const script = new vm.Script(code, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(options.requireFrom), module, file, dirname(file), ...Object.values(globals));
  const cache: CodeCacheState = !cacheFile ? 'off' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  if (cache === 'missing' || cache === 'rejected') {
    // At exit the cache holds what this command compiled too (V8 compiles functions when first called), not only the top level.
    process.once('exit', () => writeCache(cacheFile!, script.createCachedData(), basename(file)));
  }
  return { exports: module.exports, cache, cacheFile };
}
