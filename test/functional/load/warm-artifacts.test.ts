import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
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
const contents = () => readFileSync(manifestFile(), 'utf8').replace(/"generated_at":"[^"]*"/, '').replace(/"invocation_id":"[^"]*"/, '').replace(/"invocation_started_at":"[^"]*"/, '');
/** Makes the record beside manifest.json (report/manifest-reuse.ts) take the file as it is now as its last write (same size expected). */
const recordedAsWritten = () => {
  const recordFile = join(p!.dir, 'target', '.manifest-pieces');
  const recorded = deserialize(readFileSync(recordFile)) as { size: number };
  expect(statSync(manifestFile()).size).toBe(recorded.size);
  writeFileSync(recordFile, serialize({ ...recorded, mtimeMs: statSync(manifestFile()).mtimeMs }));
};
/** manifest.json of a compile with no warm start at all (another target folder). */
const coldContents = async () => {
  await TsdbtProject.open({ projectDir: p!.dir, partialParse: false, targetPath: 'cold' }).compile();
  // compiled_path names the target folder (dbt's target/compiled/…).
  return readFileSync(join(p!.dir, 'cold', 'manifest.json'), 'utf8').replace(/"generated_at":"[^"]*"/, '').replace(/"invocation_id":"[^"]*"/, '').replace(/"invocation_started_at":"[^"]*"/, '').replaceAll('"compiled_path":"cold/', '"compiled_path":"target/');
};
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
    recordedAsWritten();
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

describe('warm compile: manifest.json pieces of unchanged nodes', () => {
  it("copies the last write's pieces of nodes no update set, and makes the changed ones again", async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm(); // written in full, pieces recorded
    // A byte of a's dict changed behind the record's back (same size): copied as it is, so it shows.
    writeFileSync(manifestFile(), readFileSync(manifestFile(), 'utf8').replace('"raw_code":"select 1 as v"', '"raw_code":"select 2 as v"'));
    recordedAsWritten();
    p.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }}" });
    await TsdbtProject.open({ projectDir: p.dir }).compile(); // a warm update: only b set
    const text = contents();
    expect(text).toContain('"raw_code":"select 2 as v"');
    expect(text).toContain('select v + 1 as v');
    expect(text.replace('"raw_code":"select 2 as v"', '"raw_code":"select 1 as v"')).toBe(await coldContents());
  });

  it("a separator of the last write that is no longer a comma (same size, recorded): written in full, as a cold compile's", async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm(); // written in full, pieces recorded
    // The comma between two parent_map entries of unchanged nodes, copied as one run from the old file.
    const text = readFileSync(manifestFile(), 'utf8');
    const at = text.indexOf(',"model.proj.n":', text.indexOf('"parent_map":'));
    expect(at).toBeGreaterThan(0);
    writeFileSync(manifestFile(), `${text.slice(0, at)} ${text.slice(at + 1)}`);
    recordedAsWritten();
    p.write({ 'models/b.sql': "select v + 2 as v from {{ ref('a') }}" });
    await TsdbtProject.open({ projectDir: p.dir }).compile();
    expect(contents()).toContain('select v + 2 as v');
    expect(contents()).toBe(await coldContents());
  });

  it('each kind of change gives the manifest of a cold compile: SQL, dependencies, YAML, a deleted model', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm();
    const steps: Record<string, string>[] = [
      { 'models/b.sql': "select v * 3 as v from {{ ref('a') }}" }, // SQL; c's compiled SQL unchanged
      { 'models/c.sql': "select v from {{ ref('a') }}" }, // c no longer a child of b: b's child_map entry changes
      { 'models/c.sql': "select v from {{ ref('b') }} union all select v from {{ ref('a') }}" }, // and back
      { 'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    description: "édité"\n    columns:\n      - name: v\n        tests: [not_null]\n' },
      { 'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    config:\n      alias: b_renamed\n    columns:\n      - name: v\n        tests: [not_null]\n' }, // c's compiled SQL changes
      { 'models/a.sql': 'select 7 as v' },
      { 'models/groups.yml': 'version: 2\ngroups:\n  - name: g\n    owner: {name: o}\n' },
      { 'models/a.sql': "{{ config(group='g') }} select 7 as v" }, // a joins a group: group_map changes
      { 'models/b.sql': "{{ config(group='g') }} select v from {{ ref('a') }}" },
      { 'models/a.sql': 'select 8 as v' }, // and leaves it
    ];
    for (const files of steps) {
      p.write(files);
      await TsdbtProject.open({ projectDir: p.dir }).compile();
      expect(contents()).toBe(await coldContents());
      await compileWarm();
      expect(contents()).toBe(await coldContents());
    }
    rmSync(join(p.dir, 'models', 'n.sql'));
    await TsdbtProject.open({ projectDir: p.dir }).compile();
    expect(contents()).toBe(await coldContents());
  });
});

describe('manifest.json pieces across commands', () => {
  it('parse (no compiled SQL) after compile, and compile after parse, each write what a cold command writes', async () => {
    p = inlineProject(PROJECT);
    await p.open().compile();
    await compileWarm();
    const coldParse = async () => {
      TsdbtProject.open({ projectDir: p!.dir, partialParse: false, targetPath: 'cold' }).parse();
      return readFileSync(join(p!.dir, 'cold', 'manifest.json'), 'utf8').replace(/"generated_at":"[^"]*"/, '').replace(/"invocation_id":"[^"]*"/, '').replace(/"invocation_started_at":"[^"]*"/, '');
    };
    for (const edit of ["select v * 5 as v from {{ ref('a') }}", "select v * 6 as v from {{ ref('a') }}"]) {
      p.write({ 'models/b.sql': edit });
      TsdbtProject.open({ projectDir: p.dir }).parse(); // a warm update; every dict without compiled SQL
      const parsed = contents();
      const nodes = Object.values((JSON.parse(readFileSync(manifestFile(), 'utf8')) as { nodes: Record<string, object> }).nodes);
      expect(nodes.filter((n) => 'compiled_code' in n)).toEqual([]);
      expect(parsed).toBe(await coldParse());
      TsdbtProject.open({ projectDir: p.dir }).parse(); // the pieces of the parse just written
      expect(contents()).toBe(parsed);
      await compileWarm();
      expect(contents()).toBe(await coldContents());
    }
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
