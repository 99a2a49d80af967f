import { mkdirSync, openSync, readSync, closeSync, renameSync, rmSync, writeFileSync, fstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { Manifest } from '../manifest/manifest.js';
import { readValue } from '../render/render-reads.js';
import { changedInputs, scanInputs, type InputScan, type InputSpec } from './input-fingerprint.js';
import type { TargetConfig } from './profiles.js';
import type { ProjectFile } from './project-file.js';

/*
 * The warm start (target/warm_start.bin): the finished result of a load, reused whole when nothing
 * it was made from changed — the same tsdbt build and Node, the same load options (project dir,
 * profiles dir, target, target path, --vars, --full-refresh…), the same values of every environment
 * variable the load read, and the same files: a stat scan (load/input-fingerprint.ts) of the
 * project's root-level files, profiles.yml, every resource folder and every installed package.
 * Then a command skips the load entirely (no YAML, no Jinja, no dependency resolution): it reads
 * the manifest back (v8 deserialize) and builds the Jinja renderer only if it renders something.
 * When anything differs, the load runs as without it (the parse cache still spares the renders of
 * unchanged files) and saves a new one. Never saved: a load that read something that differs per
 * run (invocation_id, run_started_at, datetime.now() through `modules`, a render that logged) or
 * that runs with DBT_ENV_SECRET_* values. A file that is corrupt, truncated, of another format or
 * another build is ignored: each section carries a checksum of its bytes.
 */

const FORMAT = 'tsdbt-warm-start/2';

/** A finished load as saved (the renderer is rebuilt on demand; ProjectFile without its YAML document). */
export interface SavedLoad {
  readonly projectRoot: string;
  readonly projectFile: Omit<ProjectFile, 'yaml'>;
  readonly target: TargetConfig;
  readonly manifest: Manifest;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly files: readonly string[];
  /** Jinja renders the saved load had (rendered or reused): a warm start reuses them all. */
  readonly renders: number;
  /** Warnings and notes of the saved load, said again on a warm start. */
  readonly logs: readonly (readonly [string, 'info' | 'debug' | 'warn'])[];
  /** Each node's generation in the DAG (saved only when it has no cycle). */
  readonly depths: readonly (readonly [string, number])[];
}

/** What a load read, to tell whether a saved load still holds. */
export interface LoadInputs {
  readonly spec: InputSpec;
  readonly scan: InputScan;
  /** Environment variables read (name → readValue of the value, undefined: unset). */
  readonly env: ReadonlyMap<string, string | undefined>;
}

interface Header {
  readonly format: string;
  readonly key: Readonly<Record<string, string>>;
  readonly sections: readonly { readonly bytes: number; readonly crc32: string }[];
}

// CRC-32 detects a truncated or damaged file (not tampering: the target folder is the user's own) at ~5 GB/s.
const checksum = (bytes: Uint8Array) => crc32(bytes).toString(16);

/** The saved load in `file` when it was made with `key` and its inputs are unchanged; else why not. */
export function readWarmStart(file: string, key: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): SavedLoad | string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 'no warm-start file';
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, head, 0, head.length, 0);
    const cut = head.indexOf(10);
    if (cut < 0) return 'the warm-start file is corrupt';
    const header = JSON.parse(head.subarray(0, cut).toString('utf8')) as Header;
    if (header.format !== FORMAT || !Array.isArray(header.sections) || header.sections.length !== 2) return 'the warm-start file has another format';
    const changed = Object.keys({ ...key, ...header.key }).filter((k) => header.key?.[k] !== key[k]);
    if (changed.length) return `${changed.join(', ')} changed`;
    const [inputsAt, loadAt] = header.sections as [Header['sections'][0], Header['sections'][0]];
    if (cut + 1 + inputsAt.bytes + loadAt.bytes !== size) return 'the warm-start file is corrupt';
    const section = (offset: number, s: { bytes: number; crc32: string }) => {
      const bytes = Buffer.allocUnsafe(s.bytes);
      if (readSync(fd, bytes, 0, s.bytes, offset) !== s.bytes || checksum(bytes) !== s.crc32) throw new Error('corrupt');
      return deserialize(bytes) as unknown;
    };
    const inputs = section(cut + 1, inputsAt) as { spec: InputSpec; scan: [string, string][]; env: [string, string | undefined][] };
    for (const [name, value] of inputs.env) if (readValue(env[name]) !== value) return `environment variable ${name} changed`;
    const now = scanInputs(inputs.spec);
    const differ = changedInputs(new Map(inputs.scan), now);
    if (differ.length) return `${differ[0]}${differ.length > 1 ? ` and ${differ.length - 1} more files` : ''} changed`;
    return section(cut + 1 + inputsAt.bytes, loadAt) as SavedLoad;
  } catch {
    return 'the warm-start file is corrupt';
  } finally {
    closeSync(fd);
  }
}

/**
 * Saves `load` for the next command (atomically: a rename). A warm start that cannot be written
 * (read-only folder, a value that does not serialise) is skipped and any old one removed: it is only a cache.
 */
export function writeWarmStart(file: string, key: Readonly<Record<string, string>>, inputs: LoadInputs, load: SavedLoad): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const inputBytes = serialize({ spec: inputs.spec, scan: [...inputs.scan], env: [...inputs.env] });
    const loadBytes = serialize(load);
    const header: Header = { format: FORMAT, key, sections: [inputBytes, loadBytes].map((b) => ({ bytes: b.length, crc32: checksum(b) })) };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), inputBytes, loadBytes]));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    removeWarmStart(file);
  }
}

/** Removes a warm start that no longer holds (a load that must not be saved leaves none behind). */
export function removeWarmStart(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // a read-only target folder: its key or inputs no longer match, so it is ignored anyway
  }
}

/** The environment as the load sees it, recording each variable it reads (by name). */
export function recordingEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; read: Set<string> } {
  const read = new Set<string>();
  const proxy = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
    has(target, name) {
      if (typeof name === 'string') read.add(name);
      return name in target;
    },
  });
  return { env: proxy, read };
}
