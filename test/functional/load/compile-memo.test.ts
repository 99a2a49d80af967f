import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepWarmStarts, TsdbtProject } from '../../../packages/core/src/index.js';
import { compiledIndexReads } from '../../../packages/core/src/compile/write-compiled.js';
import { decodedNodes, indexColumnsParsed, tailCellsParsed } from '../../../packages/core/src/manifest/lazy-nodes.js';
import { deserialize, serialize } from 'node:v8';
import { compileMemoReads, decodedMemoSqls } from '../../../packages/core/src/compile/compile-memo.js';
import { generateProject } from '../../../bench/gen-project.mjs';
import { runCli } from '../../helpers/cli.js';

/*
 * A warm compile of an unchanged project takes the last compile's result (compile/compile-memo.ts):
 * no node decoded, no SQL rendered, and still the files and manifest.json a cold compile writes.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(models = 40): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-memo-'));
  dirs.push(dir);
  generateProject(models, dir, { jinja: true });
  return dir;
}

// compiled_path names the target folder (dbt's target/compiled/…): the cold compile writes to another.
const manifestOf = (dir: string, target: string) =>
  readFileSync(join(dir, target, 'manifest.json'), 'utf8').replace(/"(generated_at|invocation_id|invocation_started_at)":"[^"]*"/g, '').replaceAll(`"compiled_path":"${target}/`, '"compiled_path":"');
/** models/layer_<k>/<name>.sql of the generated project, relative to it. */
const modelPath = (dir: string, name: string) => join('models', readdirSync(join(dir, 'models')).find((l) => existsSync(join(dir, 'models', l, `${name}.sql`)))!, `${name}.sql`);
const compiledFile = (dir: string, target: string, model: string) => readFileSync(join(dir, target, 'compiled', 'synth', modelPath(dir, model)), 'utf8');

/** A compile as a command runs it: open (warm start allowed), compile, the nodes decoded meanwhile. */
async function compile(dir: string, options: Parameters<TsdbtProject['compile']>[0] = {}, targetPath = 'target') {
  // The 'cold' target compiles without any cache: what the warm ones must equal.
  const project = TsdbtProject.open({ projectDir: dir, targetPath, partialParse: targetPath !== 'cold' });
  const before = decodedNodes();
  const sqlsBefore = decodedMemoSqls();
  const columnsBefore = indexColumnsParsed();
  const cellsBefore = tailCellsParsed();
  const result = await project.compile(options);
  const cells = tailCellsParsed() - cellsBefore;
  // SQL texts of the memo decoded by the compile itself (reading the result's SQL below decodes the rest).
  const sqlsDecoded = decodedMemoSqls() - sqlsBefore;
  const columns = indexColumnsParsed() - columnsBefore;
  return { result: result.map((c) => [c.node.uniqueId, c.sql, c.path.replace(targetPath, 'T')]), decoded: decodedNodes() - before, sqlsDecoded, columns, cells, warm: project.loaded.partialParse.warmStart === true };
}

describe('warm compile memo', () => {
  it('an unchanged project: the last result, no node decoded; files and manifest.json as a cold compile', async () => {
    const dir = project();
    const cold = await compile(dir, {}, 'cold');
    const first = await compile(dir); // cold: saves the warm start, and the memo under the identity it will have
    expect(first.warm).toBe(false);
    const third = await compile(dir);
    expect(third.warm).toBe(true);
    expect(third.decoded).toBe(0);
    expect(third.sqlsDecoded).toBe(0); // files and manifest.json known unchanged: no SQL text read
    // Of the nodes' listed fields only the resource type (the selection's): the files' paths are the memo's, not made from each node again.
    expect(third.columns).toBe(1);
    expect(third.result).toEqual(cold.result);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    expect(compiledFile(dir, 'target', 'm_00010')).toBe(compiledFile(dir, 'cold', 'm_00010'));
  });

  it('a compiled file edited by hand and a removed manifest.json are written again', async () => {
    const dir = project();
    await compile(dir, {}, 'cold');
    for (let i = 0; i < 2; i++) await compile(dir);
    const file = join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010'));
    writeFileSync(file, 'edited by hand');
    rmSync(join(dir, 'target', 'manifest.json'));
    const again = await compile(dir);
    expect(compiledFile(dir, 'target', 'm_00010')).toBe(compiledFile(dir, 'cold', 'm_00010'));
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    expect(again.result.length).toBeGreaterThan(40);
  });

  it('an edited model and a compiled file edited by hand in one compile: both files as a cold compile writes them', async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const model = join(dir, modelPath(dir, 'm_00012'));
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
    // The same files in the same order, one text changed: the others are compared in place, a hand edit still found.
    writeFileSync(join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010')), 'edited by hand');
    await compile(dir);
    await compile(dir, {}, 'cold');
    expect(compiledFile(dir, 'target', 'm_00012')).toMatch(/-- edited/);
    for (const m of ['m_00010', 'm_00012', 'm_00020']) expect(compiledFile(dir, 'target', m)).toBe(compiledFile(dir, 'cold', m));
    // And recorded as written: a hand edit after it is found again.
    writeFileSync(join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00012')), 'edited by hand');
    await compile(dir);
    expect(compiledFile(dir, 'target', 'm_00012')).toBe(compiledFile(dir, 'cold', 'm_00012'));
  });

  it("a compile of a selection keeps what the last compile wrote of the other files (the next full compile reads none of them)", async () => {
    const dir = project();
    await compile(dir);
    const written = () => deserialize(readFileSync(join(dir, 'target', 'compiled', '.tsdbt-written'))) as { paths: string; hashes: string; stats: Float64Array };
    const all = written();
    const files = all.paths.split('\n');
    expect(files.length).toBeGreaterThan(40);
    expect(all.stats.length).toBe(2 * files.length);
    writeFileSync(join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010')), 'edited by hand');
    await compile(dir, { select: ['m_00010'] });
    const after = written();
    expect(after.paths.split('\n').sort()).toEqual([...files].sort());
    expect(after.hashes.split('\n').length).toBe(files.length);
    expect(compiledFile(dir, 'target', 'm_00010')).not.toBe('edited by hand');
  });

  it("a project folder copied elsewhere: its compiles there keep no record of the old folder's files", async () => {
    const dir = project();
    await compile(dir);
    const copy = mkdtempSync(join(tmpdir(), 'tsdbt-memo-copy-'));
    dirs.push(copy);
    cpSync(dir, copy, { recursive: true });
    const first = await compile(copy);
    const second = await compile(copy);
    expect(second.result).toEqual(first.result);
    const written = deserialize(readFileSync(join(copy, 'target', 'compiled', '.tsdbt-written'))) as { paths: string; stats: Float64Array };
    const files = written.paths.split('\n');
    expect(files.filter((f) => !f.startsWith(join(copy, 'target', 'compiled')))).toEqual([]);
    expect(files.length).toBe(first.result.length);
    expect(written.stats.length).toBe(2 * files.length);
  });

  it("reads the memo's SQL only when one is needed, checked then: a damaged byte there fails that read clearly and removes the memo", async () => {
    const dir = project();
    await compile(dir, {}, 'cold');
    for (let i = 0; i < 2; i++) await compile(dir);
    const memoFile = join(dir, 'target', '.tsdbt-compile-memo');
    const bytes = readFileSync(memoFile);
    bytes[bytes.length - 5] ^= 0x20; // inside the last SQL text
    writeFileSync(memoFile, bytes);
    const opened = TsdbtProject.open({ projectDir: dir, targetPath: 'target', partialParse: true });
    expect(opened.loaded.partialParse.warmStart).toBe(true);
    const before = decodedNodes();
    const result = await opened.compile();
    expect(decodedNodes() - before).toBe(0); // the memo's result, its SQL not read: files and manifest.json known unchanged
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    expect(() => result[0]!.sql).toThrow(/compile memo .* is damaged \(it has been removed\)/);
    expect(existsSync(memoFile)).toBe(false);
    const again = await compile(dir);
    expect(again.result).toEqual((await compile(dir, {}, 'cold')).result);
  });

  it("an edited model's compile: the other nodes keep their files as the memo has them, as a cold compile", async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const model = join(dir, modelPath(dir, 'm_00012'));
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
    const edited = await compile(dir);
    // No generic test's relation read to make its file's path again (one cell each: ~80 here).
    expect(edited.cells).toBeLessThan(20);
    expect(edited.result).toEqual((await compile(dir, {}, 'cold')).result);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
  });

  it('another selection or an edited model compiles again, as a cold compile would', async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const selected = await compile(dir, { select: ['m_00010+'] });
    expect(selected.result).toEqual((await compile(dir, { select: ['m_00010+'] }, 'cold')).result);
    const model = join(dir, modelPath(dir, 'm_00010'));
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
    const edited = await compile(dir);
    expect(edited.decoded).toBeGreaterThan(0);
    expect(edited.sqlsDecoded).toBe(0); // the edited model and its children compiled again, the others' SQL copied as bytes
    expect(edited.result.find(([id]) => id === 'model.synth.m_00010')![1]).toMatch(/-- edited/);
    const coldAfter = (await compile(dir, {}, 'cold')).result;
    expect(edited.result).toEqual(coldAfter);
    // The warm start updated by the edit (a delta) is known by its identity: the next compile takes the memo.
    const next = await compile(dir);
    expect(next.decoded).toBe(0);
    expect(next.sqlsDecoded).toBe(0);
    expect(next.result).toEqual(coldAfter);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
  });

  it('after an edit, compiles again only the nodes that compile from it (children, through ephemeral models), as a cold compile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-memo-eph-'));
    dirs.push(dir);
    const files: Record<string, string> = {
      'project.yml': 'name: proj\nprofile: p\n',
      'models/a.sql': 'select 1 as v',
      'models/e.sql': "{{ config(materialized='ephemeral') }} select v from {{ ref('a') }}",
      'models/f.sql': "select v from {{ ref('e') }}",
      'models/g.sql': "select v from {{ ref('f') }}",
      'models/n.sql': "select 1 as v from {{ ref('a').identifier }}",
    };
    for (let i = 0; i < 30; i++) files[`models/other_${i}.sql`] = `select ${i} as v from {{ ref('g') }}`;
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    writeFileSync(join(dir, 'profiles.yml'), 'p:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      schema: s\n');
    const opts = { profilesDir: dir };
    const run = async (options: Parameters<TsdbtProject['compile']>[0] = {}, targetPath = 'target') => {
      const project = TsdbtProject.open({ projectDir: dir, targetPath, partialParse: targetPath !== 'cold', ...opts });
      const before = decodedNodes();
      const result = await project.compile(options);
      return { result: result.map((c) => [c.node.uniqueId, c.sql]), decoded: decodedNodes() - before, warm: project.loaded.partialParse.warmStart === true };
    };
    for (let i = 0; i < 2; i++) await run();
    writeFileSync(join(dir, 'models', 'a.sql'), "{{ config(alias='a_two') }} select 1 as v");
    const edited = await run();
    expect(edited.warm).toBe(true);
    const cold = await run({}, 'cold');
    expect(edited.result).toEqual(cold.result);
    // f inlines e, which reads a: its SQL has the new name; g and the 30 others were not compiled again.
    expect(edited.result.find(([id]) => id === 'model.proj.f')![1]).toContain('a_two');
    expect(edited.decoded).toBeLessThan(8);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    // An ephemeral model compiled when selected by name, then a compile without a selection leaves it out.
    const selected = await run({ select: ['e'] });
    expect(selected.result.map(([id]) => id)).toEqual(['model.proj.e']);
    writeFileSync(join(dir, 'models', 'g.sql'), "select v + 1 as v from {{ ref('f') }}");
    const all = await run();
    expect(all.result).toEqual((await run({}, 'cold')).result);
    expect(all.result.map(([id]) => id)).not.toContain('model.proj.e');
  });

  it("an edited model's compile appends what changed to the memo (its base kept byte for byte); the next compiles read it, as a cold compile", async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const memoFile = join(dir, 'target', '.tsdbt-compile-memo');
    const base = readFileSync(memoFile);
    const model = join(dir, modelPath(dir, 'm_00012'));
    const text = readFileSync(model, 'utf8');
    for (const edit of ['one', 'two']) {
      writeFileSync(model, `${text}\n-- edited ${edit}`);
      const edited = await compile(dir);
      expect(edited.sqlsDecoded).toBe(0);
      const now = readFileSync(memoFile);
      expect(now.subarray(0, base.length).equals(base)).toBe(true); // appended to, not written again
      expect(now.length - base.length).toBeLessThan(base.length / 4);
      expect(edited.result).toEqual((await compile(dir, {}, 'cold')).result);
      // The memo with its records: the next compile takes it whole, its SQL as the cold compile's.
      const next = await compile(dir);
      expect(next.decoded).toBe(0);
      expect(next.sqlsDecoded).toBe(0);
      expect(next.result).toEqual(edited.result);
      expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
      expect(compiledFile(dir, 'target', 'm_00012')).toMatch(new RegExp(`-- edited ${edit}`));
    }
    expect(readFileSync(memoFile).length).toBeGreaterThan(base.length);
  });

  it('a record appended twice (two commands at once), torn or damaged: the memo is not used, the compile runs in full and writes it whole', async () => {
    for (const spoil of ['twice', 'torn', 'damaged'] as const) {
      const dir = project();
      for (let i = 0; i < 2; i++) await compile(dir);
      const memoFile = join(dir, 'target', '.tsdbt-compile-memo');
      const baseLength = readFileSync(memoFile).length;
      const model = join(dir, modelPath(dir, 'm_00012'));
      writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
      await compile(dir);
      const bytes = readFileSync(memoFile);
      const record = bytes.subarray(baseLength);
      expect(record.length).toBeGreaterThan(16);
      const spoilt = spoil === 'twice' ? Buffer.concat([bytes, record]) : spoil === 'torn' ? bytes.subarray(0, bytes.length - 3) : Buffer.from(bytes);
      if (spoil === 'damaged') spoilt[spoilt.length - 2] ^= 0x20; // inside the record's SQL
      writeFileSync(memoFile, spoilt);
      const again = await compile(dir);
      expect(again.decoded).toBeGreaterThan(0); // compiled, not taken from the memo
      expect(again.result).toEqual((await compile(dir, {}, 'cold')).result);
      expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
      const after = readFileSync(memoFile);
      expect(after.equals(spoilt)).toBe(false);
      const next = await compile(dir);
      expect(next.decoded).toBe(0);
      expect(next.result).toEqual(again.result);
    }
  });

  it('past its records limit the memo is written whole again, and still gives what a cold compile gives', async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const memoFile = join(dir, 'target', '.tsdbt-compile-memo');
    const model = join(dir, modelPath(dir, 'm_00012'));
    const text = readFileSync(model, 'utf8');
    const sizes: number[] = [];
    // Edits with a long comment: records grow past a quarter of the base within a few compiles.
    for (let i = 0; i < 12; i++) {
      writeFileSync(model, `${text}\n-- ${String(i).repeat(2000)}`);
      await compile(dir);
      sizes.push(readFileSync(memoFile).length);
    }
    expect(sizes.some((size, i) => i > 0 && size < sizes[i - 1]!)).toBe(true); // written whole at least once
    expect((await compile(dir)).result).toEqual((await compile(dir, {}, 'cold')).result);
  });

  it("a cold compile's memo and compiled-file record keep their paths one byte a character (read back by every warm compile)", () => {
    // The CLI (its bundle through the code cache, the load's threads) on a project large enough for them: some generic
    // tests' names came out two-byte there, and so the paths joined with them (twice the bytes, 3 MB for 10,000 models).
    const dir = project(600);
    const cache = mkdtempSync(join(tmpdir(), 'tsdbt-memo-cc-'));
    dirs.push(cache);
    for (let i = 0; i < 2; i++) {
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      expect(runCli(['compile', '--project-dir', dir], { cwd: dir, env: { TSDBT_COMPILE_CACHE: cache } }).code).toBe(0);
    }
    const memo = readFileSync(join(dir, 'target', '.tsdbt-compile-memo'));
    const head = deserialize(memo.subarray(12, 12 + memo.readUInt32BE(4))) as { ids: string[]; paths: string };
    const written = deserialize(readFileSync(join(dir, 'target', 'compiled', '.tsdbt-written'))) as { paths: string };
    // v8.serialize writes a two-byte string two bytes a character: these are ASCII.
    const bytes = (text: string) => serialize(text).length - text.length;
    expect(bytes(head.paths)).toBeLessThan(16);
    expect(bytes(head.ids.join('\n'))).toBeLessThan(16);
    expect(bytes(written.paths)).toBeLessThan(16);
  });
});

describe('in a resident process (warm starts kept in memory)', () => {
  beforeAll(() => keepWarmStarts(true));
  afterAll(() => keepWarmStarts(false));
  const indexFile = (dir: string) => join(dir, 'target', 'compiled', '.tsdbt-written');
  /** A compile and how many compiled-file indexes it read from their file. */
  const counted = async (dir: string) => {
    const before = compiledIndexReads();
    await compile(dir);
    return compiledIndexReads() - before;
  };

  it("the compiled-file index read or written last is kept: a warm compile reads none, anything that replaced or changed the file is read; files as a cold compile's", async () => {
    const dir = project();
    await compile(dir, {}, 'cold');
    await counted(dir); // cold: no index yet; writes it (and keeps what it wrote)
    expect(await counted(dir)).toBe(0);
    expect(await counted(dir)).toBe(0);
    // A compiled file edited by hand is still found (each file's own stat), and the index written then is kept.
    writeFileSync(join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010')), 'edited by hand');
    expect(await counted(dir)).toBe(0);
    expect(compiledFile(dir, 'target', 'm_00010')).toBe(compiledFile(dir, 'cold', 'm_00010'));
    expect(await counted(dir)).toBe(0);
    // An edited model: the index written by that compile is kept.
    const model = join(dir, modelPath(dir, 'm_00012'));
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
    expect(await counted(dir)).toBe(0);
    expect(await counted(dir)).toBe(0);
    // Another process's index renamed over it (a new file, same bytes): read again.
    cpSync(indexFile(dir), `${indexFile(dir)}.other`);
    renameSync(`${indexFile(dir)}.other`, indexFile(dir));
    expect(await counted(dir)).toBe(1);
    expect(await counted(dir)).toBe(0);
    // Written over in place with another index (it records the hand-edited file as written): read, and that file
    // compared by its stat as that index says — rewritten, as a compile in its own process does.
    const kept = readFileSync(indexFile(dir));
    const file = join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010'));
    writeFileSync(file, 'edited by hand again');
    const recorded = deserialize(kept) as { paths: string; stats: Float64Array };
    const k = recorded.paths.split('\n').indexOf(file);
    expect(k).toBeGreaterThanOrEqual(0);
    const st = statSync(file);
    recorded.stats[2 * k] = st.size;
    recorded.stats[2 * k + 1] = st.mtimeMs;
    writeFileSync(indexFile(dir), serialize(recorded));
    // Its own mtime, whatever the clock's tick (an in-place write in the tick of ours, same size, would look the same, as to git).
    utimesSync(indexFile(dir), st.atime, new Date(st.mtimeMs + 60_000));
    expect(await counted(dir)).toBe(1);
    // That index said the file was the compile's own text (hash unchanged): the compile takes it as written, as without memory.
    expect(readFileSync(file, 'utf8')).toBe('edited by hand again');
    await compile(dir, {}, 'cold');
    for (const m of ['m_00012', 'm_00020']) expect(compiledFile(dir, 'target', m)).toBe(compiledFile(dir, 'cold', m));
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
  });

  it('the compile memo read or appended to last is kept: the next compile reads none, edit after edit; anything that replaced or changed the file is read; results as a cold compile', async () => {
    const dir = project();
    const memoFile = join(dir, 'target', '.tsdbt-compile-memo');
    const memoReads = async () => {
      const before = compileMemoReads();
      const out = await compile(dir);
      return { reads: compileMemoReads() - before, out };
    };
    /** The compile equals a cold compile of the project as it is now (SQL, files, manifest.json). */
    const asCold = async (out: Awaited<ReturnType<typeof compile>>) => {
      const cold = await compile(dir, {}, 'cold');
      expect(out.result).toEqual(cold.result);
      expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
      for (const m of ['m_00012', 'm_00020', 'm_00031']) expect(compiledFile(dir, 'target', m)).toBe(compiledFile(dir, 'cold', m));
    };
    await compile(dir); // cold: writes the memo whole (not kept: read once by the next)
    expect((await memoReads()).reads).toBe(1);
    const warm = await memoReads();
    expect(warm.reads).toBe(0);
    await asCold(warm.out);
    // Edits: each compile appends a record to the memo it was given, and keeps the memo with it applied.
    for (const [round, model] of [[1, 'm_00012'], [2, 'm_00012'], [3, 'm_00031']] as const) {
      const file = join(dir, modelPath(dir, model));
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edit ${round}`);
      const edited = await memoReads();
      expect(edited.reads).toBe(0);
      await asCold(edited.out);
      const after = await memoReads();
      expect(after.reads).toBe(0);
      expect(after.out.sqlsDecoded).toBe(0);
      await asCold(after.out);
    }
    expect(compiledFile(dir, 'target', 'm_00012')).toMatch(/-- edit 2/);
    // Another process's memo renamed over it (a new file, same bytes): read again, then kept.
    cpSync(memoFile, `${memoFile}.other`);
    renameSync(`${memoFile}.other`, memoFile);
    expect((await memoReads()).reads).toBe(1);
    expect((await memoReads()).reads).toBe(0);
    // Appended to by another command (here a torn record): read, not used (compiled in full), written whole.
    appendFileSync(memoFile, Buffer.from([1, 2, 3]));
    const torn = await memoReads();
    expect(torn.reads).toBe(1);
    await asCold(torn.out);
    expect((await memoReads()).reads).toBe(1);
    expect((await memoReads()).reads).toBe(0);
  });

  it('is not kept when keeping is off (a command in its own process)', async () => {
    keepWarmStarts(false);
    try {
      const dir = project();
      await counted(dir);
      const memos = compileMemoReads();
      expect(await counted(dir)).toBe(1);
      expect(await counted(dir)).toBe(1);
      expect(compileMemoReads() - memos).toBe(2);
    } finally {
      keepWarmStarts(true);
    }
  });
});
