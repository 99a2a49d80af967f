import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * What a warm `compile` spares and still gets right: manifest.json of an unchanged warm start is the
 * last one with new metadata (report/manifest-reuse.ts), compiled files known unchanged by their
 * recorded stat and hash are not read (compile/write-compiled.ts), and the DAG of a warm start is
 * read off the manifest without building graphology (graph/project-graph.ts) — each one the result
 * a full load and a full write give.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PROJECT: Record<string, string> = {
  'models/a.sql': 'select 1 as v',
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': "select v from {{ ref('b') }} union all select v from {{ ref('a') }}",
  'models/n.sql': "select 1 as v from {{ ref('a').identifier }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: v\n        tests: [not_null]\n',
};

const manifestFile = () => join(p!.dir, 'target', 'manifest.json');
/** manifest.json without what differs per command. */
const contents = () => readFileSync(manifestFile(), 'utf8').replace(/"generated_at":"[^"]*"/, '').replace(/"invocation_id":"[^"]*"/, '');
const compileWarm = async () => {
  const project = TsdbtProject.open({ projectDir: p!.dir });
  expect(project.loaded.partialParse.warmStart).toBe(true);
  await project.compile();
  return project;
};

describe('warm compile: manifest.json', () => {
  it('of an unchanged warm start: the last contents with this command metadata, as a full write gives them', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile(); // a full load
    await compileWarm(); // full write, recorded
    const full = contents();
    // Reused, not rewritten: a byte changed behind its back (and recorded as the last write) stays.
    writeFileSync(manifestFile(), readFileSync(manifestFile(), 'utf8').replace('"parent_map"', '"parent_maP"'));
    const keyFile = join(p.dir, 'target', '.manifest-key.json');
    writeFileSync(keyFile, JSON.stringify({ ...JSON.parse(readFileSync(keyFile, 'utf8')), mtimeMs: statSync(manifestFile()).mtimeMs }));
    await compileWarm();
    expect(contents()).toBe(full.replace('"parent_map"', '"parent_maP"'));
    writeFileSync(manifestFile(), readFileSync(manifestFile(), 'utf8').replace('"parent_maP"', '"parent_map"'));
    const project = await compileWarm(); // size or mtime changed: written in full
    expect(contents()).toBe(full);
    const written = JSON.parse(readFileSync(manifestFile(), 'utf8')) as { metadata: { invocation_id: string } };
    expect(written.metadata.invocation_id).toBe(project.invocationId);
    // …and it is what a compile without the warm start writes
    await TsdbtProject.open({ projectDir: p.dir, partialParse: false }).compile();
    expect(contents()).toBe(full);
  });

  it('a manifest.json changed by someone else is written in full', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm();
    const full = contents();
    writeFileSync(manifestFile(), '{"metadata":{},"nodes":{}}');
    await compileWarm();
    expect(contents()).toBe(full);
  });

  it('an edited model: the new SQL in manifest.json', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm();
    await compileWarm();
    p.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }}" });
    await TsdbtProject.open({ projectDir: p.dir }).compile(); // a warm update
    expect(contents()).toContain('select v + 1 as v');
    await compileWarm();
    const warm = contents();
    await TsdbtProject.open({ projectDir: p.dir, partialParse: false }).compile();
    expect(warm).toBe(contents());
  });
});

describe('warm compile: compiled files', () => {
  const file = (name: string) => join(p!.dir, 'target', 'compiled', 'proj', 'models', `${name}.sql`);

  it('a compiled file removed or edited by hand is written again; the others are left alone', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    const old = new Date('2020-01-01T00:00:00Z');
    for (const name of ['a', 'b', 'c']) utimesSync(file(name), old, old);
    await compileWarm(); // stats differ from the record: read, same text, kept
    expect(statSync(file('a')).mtime.getTime()).toBe(old.getTime());
    const b = readFileSync(file('b'), 'utf8');
    rmSync(file('a'));
    writeFileSync(file('b'), 'select 42');
    await compileWarm();
    expect(readFileSync(file('a'), 'utf8')).toBe('select 1 as v\n');
    expect(readFileSync(file('b'), 'utf8')).toBe(b);
    expect(statSync(file('c')).mtime.getTime()).toBe(old.getTime());
  });

  it('an edited model rewrites its file only', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm();
    const mtime = (name: string) => statSync(file(name)).mtimeMs;
    const before = { a: mtime('a'), c: mtime('c') };
    p.write({ 'models/b.sql': "select v * 2 as v from {{ ref('a') }}" });
    await TsdbtProject.open({ projectDir: p.dir }).compile();
    expect(readFileSync(file('b'), 'utf8')).toContain('v * 2');
    expect({ a: mtime('a'), c: mtime('c') }).toEqual(before);
  });
});

describe('warm start: the DAG read off the manifest', () => {
  it('gives the parents, children, ancestors and descendants of a cold parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wa-gen-'));
    dirs.push(dir);
    generateProject(150, dir, {});
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false });
    TsdbtProject.open({ projectDir: dir });
    const warm = TsdbtProject.open({ projectDir: dir });
    expect(warm.loaded.partialParse.warmStart).toBe(true);
    for (const id of cold.graph.ids()) {
      expect(warm.graph.parents(id)).toEqual(cold.graph.parents(id));
      expect(warm.graph.children(id)).toEqual(cold.graph.children(id));
    }
    expect(warm.graph.ids()).toEqual(cold.graph.ids());
    const some = cold.graph.ids().filter((_, i) => i % 17 === 0);
    for (const id of some) {
      expect([...warm.graph.ancestors(id)].sort()).toEqual([...cold.graph.ancestors(id)].sort());
      expect([...warm.graph.descendants(id, 2)].sort()).toEqual([...cold.graph.descendants(id, 2)].sort());
    }
    expect(warm.graph.generations()).toEqual(cold.graph.generations());
  });
});
