import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedInputs, decodeScan, encodeScan, scanDiff, scanInputs, type InputSpec } from '../../../packages/core/src/load/input-fingerprint.js';

/*
 * A saved scan compared as it is saved (sameScan: numbers, no fingerprint texts) must say "the same"
 * exactly when a full scan and changedInputs find nothing: never for a changed, new or removed file.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project-like tree whose files are older than the racy window (as files are when a command runs). */
function tree(): { dir: string; spec: InputSpec } {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-scan-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'models', 'a'), { recursive: true });
  mkdirSync(join(dir, 'dbt_packages', 'p'), { recursive: true });
  for (const f of ['project.yml', 'models/x.sql', 'models/a/y.sql', 'models/a/schema.yml']) writeFileSync(join(dir, f), `-- ${f}\n`);
  const old = new Date(Date.now() - 60_000);
  for (const f of ['project.yml', 'models/x.sql', 'models/a/y.sql', 'models/a/schema.yml']) utimesSync(join(dir, f), old, old);
  return { dir, spec: { files: [join(dir, 'profiles.yml')], shallow: [dir], listed: [join(dir, 'dbt_packages')], trees: [join(dir, 'models'), join(dir, 'macros')] } };
}

/** What the warm start does with a saved scan (and deltas' fingerprints over it): the fast answer, and the full one. */
function compare(spec: InputSpec, saved: Map<string, string>, overrides = new Map<string, string | null>()) {
  const columns = encodeScan(saved);
  const before = decodeScan(columns);
  for (const [p, fp] of overrides) fp === null ? before.delete(p) : before.set(p, fp);
  const now = scanInputs(spec);
  const full = changedInputs(before, now);
  const diff = scanDiff(spec, columns, overrides);
  // What the walk found different is what the full comparison finds, with the same fresh fingerprints.
  if (diff) expect([[...diff.keys()].sort(), [...diff].every(([p, fp]) => now.get(p) === fp || fp.split('#')[0] === now.get(p)?.split('#')[0])]).toEqual([[...full].sort(), true]);
  return { fast: diff !== undefined && diff.size === 0, full };
}

describe('a saved scan compared as saved', () => {
  it('reads back as the scan it was (plain, absent, folder and racy fingerprints)', () => {
    const { dir, spec } = tree();
    writeFileSync(join(dir, 'models', 'new.sql'), 'select 1'); // racy: written now
    const scan = scanInputs(spec);
    expect([...scan.values()].some((fp) => fp.includes('#'))).toBe(true);
    expect([...scan.values()]).toContain('-');
    expect([...scan.values()]).toContain('dir');
    expect(decodeScan(encodeScan(scan))).toEqual(scan);
  });

  it('sees an edit that keeps the size and puts the mtime back (cp -p, rsync -t, touch -r): its ctime moved', async () => {
    const { dir, spec } = tree();
    const saved = scanInputs(spec);
    await new Promise((r) => setTimeout(r, 20)); // past the ctime the tree's own writes left
    const was = statSync(join(dir, 'models', 'x.sql'));
    writeFileSync(join(dir, 'models', 'x.sql'), '-- models/X.sql\n'); // same size
    utimesSync(join(dir, 'models', 'x.sql'), was.atime, was.mtime); // the mtime the scan saw
    expect(statSync(join(dir, 'models', 'x.sql')).mtimeMs).toBe(was.mtimeMs);
    expect(compare(spec, saved)).toEqual({ fast: false, full: [join(dir, 'models', 'x.sql')] });
  });

  it('is the same when nothing changed, and when a racy saved file still has its text', () => {
    const { dir, spec } = tree();
    expect(compare(spec, scanInputs(spec))).toEqual({ fast: true, full: [] });
    writeFileSync(join(dir, 'models', 'x.sql'), '-- models/x.sql\n'); // same text, racy when scanned
    const racy = scanInputs(spec);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'models', 'x.sql'), old, old);
    const replay = scanInputs(spec);
    // The racy fingerprint kept its old stats: give the saved one those, as a scan in the same tick would have.
    const saved = new Map([...racy].map(([p, fp]) => [p, fp.includes('#') ? `${replay.get(p)}#${fp.split('#')[1]}` : fp]));
    expect(compare(spec, saved)).toEqual({ fast: true, full: [] });
  });

  it('is not the same for an edited, touched, new or removed file, a profiles.yml, a new package or a new tree', () => {
    const cases: [string, (dir: string) => void][] = [
      ['edited', (dir) => writeFileSync(join(dir, 'models', 'x.sql'), '-- edited\n')],
      ['touched', (dir) => utimesSync(join(dir, 'models', 'a', 'y.sql'), new Date(), new Date(Date.now() - 30_000))],
      ['new', (dir) => writeFileSync(join(dir, 'models', 'a', 'z.sql'), 'select 1')],
      ['removed', (dir) => rmSync(join(dir, 'models', 'a', 'schema.yml'))],
      ['profiles', (dir) => writeFileSync(join(dir, 'profiles.yml'), 'x: 1')],
      ['package', (dir) => mkdirSync(join(dir, 'dbt_packages', 'q'))],
      ['macros', (dir) => mkdirSync(join(dir, 'macros'))],
    ];
    for (const [name, change] of cases) {
      const { dir, spec } = tree();
      const saved = scanInputs(spec);
      change(dir);
      const { fast, full } = compare(spec, saved);
      expect([name, fast]).toEqual([name, false]);
      expect([name, full.length > 0]).toEqual([name, true]);
    }
  });

  it('a project with an installed package (a listed sub-folder that is a tree too): compared as saved, no full scan', () => {
    const { dir, spec } = tree();
    writeFileSync(join(dir, 'dbt_packages', 'p', 'm.sql'), '{% macro m() %}1{% endmacro %}');
    utimesSync(join(dir, 'dbt_packages', 'p', 'm.sql'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const withPackage = { ...spec, trees: [...spec.trees, join(dir, 'dbt_packages', 'p')].sort() };
    const saved = scanInputs(withPackage);
    expect(scanDiff(withPackage, encodeScan(saved), new Map())).toEqual(new Map());
    writeFileSync(join(dir, 'dbt_packages', 'p', 'm.sql'), '{% macro m() %}2{% endmacro %}');
    expect(compare(withPackage, saved)).toEqual({ fast: false, full: [join(dir, 'dbt_packages', 'p', 'm.sql')] });
    expect([...scanDiff(withPackage, encodeScan(saved), new Map())!.keys()]).toEqual([join(dir, 'dbt_packages', 'p', 'm.sql')]);
  });

  it('an edited file in place: only its fresh fingerprint, as the full scan gives it (no full scan needed)', () => {
    const { dir, spec } = tree();
    const saved = scanInputs(spec);
    writeFileSync(join(dir, 'models', 'a', 'y.sql'), '-- edited\n');
    const diff = scanDiff(spec, encodeScan(saved), new Map());
    expect(diff && [...diff.keys()]).toEqual([join(dir, 'models', 'a', 'y.sql')]);
    expect(diff!.get(join(dir, 'models', 'a', 'y.sql'))!.split('#')[0]).toBe(scanInputs(spec).get(join(dir, 'models', 'a', 'y.sql'))!.split('#')[0]);
  });

  it("applies the deltas' fingerprints: a file an update saw edited, removed or added is the same as the update left it", () => {
    const { dir, spec } = tree();
    const saved = scanInputs(spec);
    writeFileSync(join(dir, 'models', 'x.sql'), '-- edited\n');
    rmSync(join(dir, 'models', 'a', 'y.sql'));
    writeFileSync(join(dir, 'models', 'a', 'z.sql'), 'select 1');
    const later = scanInputs(spec);
    const overrides = new Map<string, string | null>([
      [join(dir, 'models', 'x.sql'), later.get(join(dir, 'models', 'x.sql'))!],
      [join(dir, 'models', 'a', 'y.sql'), null],
      [join(dir, 'models', 'a', 'z.sql'), later.get(join(dir, 'models', 'a', 'z.sql'))!],
    ]);
    expect(compare(spec, saved, overrides).full).toEqual([]);
    expect(compare(spec, saved, overrides).fast).toBe(true);
    // Without the deleted file's delta entry, or with a stale one, not the same.
    expect(compare(spec, saved, new Map([...overrides].filter(([p]) => !p.endsWith('y.sql')))).fast).toBe(false);
    expect(compare(spec, saved, new Map([...overrides, [join(dir, 'models', 'x.sql'), saved.get(join(dir, 'models', 'x.sql'))!]])).fast).toBe(false);
  });
});
