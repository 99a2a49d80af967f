import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTarget, resolveTarget } from '../../../packages/core/src/load/profiles.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function targetOf(profile: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-profile-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'profiles.yml'), profile);
  return resolveTarget({ projectRoot: dir, profileName: 'p', renderString: (t) => t });
}

describe('profile threads', () => {
  it("a profile without threads runs one thread, dbt's DEFAULT_THREADS (was 4)", () => {
    expect(targetOf('p:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: s\n').threads).toBe(1);
  });

  it("a profile's own threads are kept; no profiles.yml at all is tsdbt's embedded default of 4", () => {
    expect(targetOf('p:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: s\n      threads: 6\n').threads).toBe(6);
    expect(defaultTarget('/nowhere', 'p').threads).toBe(4);
  });
});
