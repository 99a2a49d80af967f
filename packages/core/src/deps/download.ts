import { cpSync, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ProjectError } from '../shared/errors.js';

/** Downloads `url` (http(s), file:// or a local path relative to `base`) to `dest`, retrying network errors as dbt does (5 attempts). */
export async function download(url: string, dest: string, base: string): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true });
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.startsWith('file://')) {
    const path = url.startsWith('file://') ? fileURLToPath(url) : isAbsolute(url) ? url : resolve(base, url);
    try {
      await copyFile(path, dest);
    } catch (error) {
      throw new ProjectError('deps_download', `Could not read ${url}: ${(error as Error).message}`, { hint: 'Check the path of the package.' });
    }
    return;
  }
  let last: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok || !response.body) throw new ProjectError('deps_download', `Downloading ${url} failed: HTTP ${response.status}`, { hint: 'Check the URL, or try again later.' });
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(dest));
      return;
    } catch (error) {
      last = error;
      if (error instanceof ProjectError && /HTTP 4\d\d/.test(error.message)) break; // a missing file stays missing
    }
  }
  if (last instanceof ProjectError) throw last;
  throw new ProjectError('deps_download', `Downloading ${url} failed: ${(last as Error)?.message ?? last}`, { hint: 'Check the network connection and the URL.' });
}

/**
 * Extracts a .tar.gz into `dir` (created) and returns the one folder it holds, as a package
 * tarball must (`<name>/<package files>`).
 */
export async function untarSingleFolder(tarFile: string, dir: string, what: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // tar is loaded by `deps` only, not at every command's start.
  const { x: extractTar } = await import('tar');
  try {
    await extractTar({ file: tarFile, cwd: dir, strict: true });
  } catch (error) {
    throw new ProjectError('deps_tarball', `Could not extract ${what}: ${(error as Error).message}`, { hint: 'The file must be a gzipped tar archive of one package folder.' });
  }
  const entries = readdirSync(dir);
  if (entries.length !== 1)
    throw new ProjectError('deps_tarball', `Incorrect structure for package extracted from ${what}. The extracted package needs to follow the structure <name>/<package_contents>.`, {
      hint: 'Pack the package folder itself: tar czf pkg.tar.gz my_package/',
    });
  return join(dir, entries[0]!);
}

/** Moves a folder into place (copying when it crosses file systems). */
export function moveFolder(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
  }
}

