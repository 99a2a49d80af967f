// Shared helpers for benchmarks: write a project into a temp dir with a chdb profile.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeProject(files, { name = 'bench', threads = 4, warehouse } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `tsdbt-${name}-`));
  const all = {
    'project.yml': `name: ${name}\nprofile: ${name}\n`,
    'profiles.yml': `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse ?? join(dir, '.tsdbt/chdb')}\n      schema: ${name}\n      threads: ${threads}\n`,
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const seconds = (ms) => (ms / 1000).toFixed(2);
