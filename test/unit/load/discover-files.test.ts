import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverFiles, withSharedListings } from '../../../packages/core/src/load/discover-files.js';

/*
 * A load lists each folder once (withSharedListings) for all the kinds of files it walks for; the
 * listings live only as long as the load: the next one sees files added since, and walks outside a
 * load list the folder each time (watch mode's incremental updates).
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-discover-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'models', 'a'), { recursive: true });
  for (const f of ['models/x.sql', 'models/a/y.sql', 'models/a/schema.yml', 'models/a/doc.md', 'models/.hidden.sql']) writeFileSync(join(dir, f), '-- x\n');
  return dir;
}

describe('discoverFiles with shared listings', () => {
  it('gives each kind of file as separate walks do, within one load and outside', () => {
    const dir = project();
    const walks = () => [discoverFiles(dir, 'models', ['.sql']), discoverFiles(dir, 'models', ['.yml', '.yaml']), discoverFiles(dir, 'models', ['.md']), discoverFiles(dir, 'missing', ['.sql'])];
    const alone = walks();
    expect(alone).toEqual([['models/a/y.sql', 'models/x.sql'], ['models/a/schema.yml'], ['models/a/doc.md'], []]);
    expect(withSharedListings(walks)).toEqual(alone);
  });

  it('keeps a listing for the load only: the next load (and a walk outside one) sees a file added since', () => {
    const dir = project();
    const seen = withSharedListings(() => {
      const before = discoverFiles(dir, 'models', ['.sql']);
      writeFileSync(join(dir, 'models', 'a', 'z.sql'), 'select 1\n');
      // One load works from one listing of a folder (as from one snapshot of it).
      return [before, discoverFiles(dir, 'models', ['.sql'])];
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(discoverFiles(dir, 'models', ['.sql'])).toEqual(['models/a/y.sql', 'models/a/z.sql', 'models/x.sql']);
    expect(withSharedListings(() => discoverFiles(dir, 'models', ['.sql']))).toEqual(['models/a/y.sql', 'models/a/z.sql', 'models/x.sql']);
  });

  it('drops the listings when the load throws', () => {
    const dir = project();
    expect(() =>
      withSharedListings(() => {
        discoverFiles(dir, 'models', ['.sql']);
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    writeFileSync(join(dir, 'models', 'w.sql'), 'select 1\n');
    expect(withSharedListings(() => discoverFiles(dir, 'models', ['.sql']))).toContain('models/w.sql');
  });
});
