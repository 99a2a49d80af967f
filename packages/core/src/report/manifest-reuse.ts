import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * manifest.json again, cheaply: a warm `compile` of an unchanged project writes the same 50 MB of
 * JSON but for its metadata (invocation_id, generated_at). When the caller knows the contents are
 * those of the last write — a content key (the warm start's identity and a hash of the compiled
 * SQL) equal to the one recorded beside the file, and the file untouched since (size and mtime) —
 * the new file is the new metadata followed by the old file's bytes after its metadata. The result
 * is byte for byte what a full write gives; anything unsure writes in full.
 */

/** Beside manifest.json: the content key of its last write, where its metadata ends, its size and mtime. */
const KEY_FILE = '.manifest-key.json';
const HEAD = '{"metadata":';

interface Recorded {
  readonly key: string;
  readonly metadataEnd: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Writes `path` from its previous contents with `metadataJson` in front, when `key` says they hold; false otherwise. */
export function rewriteManifestMetadata(targetDir: string, path: string, key: string, metadataJson: string): boolean {
  let recorded: Recorded;
  try {
    recorded = JSON.parse(readFileSync(join(targetDir, KEY_FILE), 'utf8')) as Recorded;
    const s = statSync(path);
    if (recorded.key !== key || s.size !== recorded.size || s.mtimeMs !== recorded.mtimeMs) return false;
  } catch {
    return false;
  }
  const old = readFileSync(path);
  if (old.length !== recorded.size || old.toString('latin1', 0, HEAD.length) !== HEAD || old[recorded.metadataEnd] !== 0x2c /* , */) return false;
  const text = Buffer.concat([Buffer.from(HEAD + metadataJson), old.subarray(recorded.metadataEnd)]);
  writeFileSync(path, text);
  recordManifest(targetDir, path, key, HEAD.length + Buffer.byteLength(metadataJson));
  return true;
}

/** Notes the content key of the manifest.json just written (metadata ending at byte `metadataEnd`), or forgets it. */
export function recordManifest(targetDir: string, path: string, key: string | undefined, metadataEnd: number): void {
  const file = join(targetDir, KEY_FILE);
  try {
    if (key === undefined) return rmSync(file, { force: true });
    const s = statSync(path);
    writeFileSync(file, JSON.stringify({ key, metadataEnd, size: s.size, mtimeMs: s.mtimeMs } satisfies Recorded));
  } catch {
    // only a shortcut for the next write
  }
}
