import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EarlierBytesChanged, FileBytes, JsonObjectFile, JsonRecord, writeJsonObject } from '../../../packages/core/src/report/json-pieces.js';
import { scrubbingReplacer } from '../../../packages/core/src/shared/secrets.js';

/* manifest.json written piece by piece (report/json-pieces.ts): the bytes JSON.stringify gives for the whole object. */

const dir = mkdtempSync(join(tmpdir(), 'tsdbt-json-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The object as members, its record-valued members given as JsonRecords. */
function written(object: Record<string, unknown>, records: readonly string[], replacer?: (key: string, value: unknown) => unknown): string {
  const members = Object.entries(object).map(([key, value]): [string, unknown] => {
    if (!records.includes(key)) return [key, value];
    const record = new JsonRecord(replacer);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) record.set(k, v);
    return [key, record];
  });
  const file = join(dir, 'out.json');
  writeJsonObject(file, members, replacer);
  return readFileSync(file, 'utf8');
}

describe('writeJsonObject', () => {
  it("writes JSON.stringify's text: records entry by entry, undefined members and values left out, empty records, non-ASCII text", () => {
    const object = {
      metadata: { generated_at: 'now', env: {} },
      nodes: { 'model.a': { name: 'a', sql: 'select \'é\' as "x"\n', tags: ['t'], gone: undefined }, 'model.b': { name: 'b', n: 1.5, z: null } },
      skipped: undefined,
      empty: {},
      sources: {},
      missing: { 'x.y': undefined, 'x.z': [undefined, 1] },
      tail: ['ok', '\u2028'],
    };
    expect(written(object, ['nodes', 'empty', 'missing'])).toBe(JSON.stringify(object));
    expect(written({ only: {} }, ['only'])).toBe('{"only":{}}');
    expect(written({ nothing: undefined }, [])).toBe('{}');
  });

  it('scrubs secrets as JSON.stringify with the replacer does (values, never keys)', () => {
    const replacer = scrubbingReplacer(['s3cret']);
    const object = { metadata: { password: 's3cret' }, nodes: { 'model.s3cret': { sql: "select 's3cret'", list: ['a s3cret b'] } }, top: 's3cret' };
    const text = written(object, ['nodes'], replacer);
    expect(text).toBe(JSON.stringify(object, replacer));
    expect(text).toContain('model.s3cret'); // keys as JSON.stringify leaves them
  });

  it('writes records larger than its chunk in full', () => {
    const nodes = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`model.m_${i}`, { sql: `select ${'x'.repeat(1000)} as c${i}`, i }]));
    const object = { metadata: {}, nodes, after: [1, 2, 3] };
    expect(written(object, ['nodes'])).toBe(JSON.stringify(object));
  });

  it('tells where each entry landed, and writes entries given as bytes as they are (runs of them at once)', () => {
    const object = { metadata: { x: 'é' }, nodes: { 'model.a': { sql: "select 'ü'" }, 'model.b': { n: 1 }, 'model.c': { big: 'y'.repeat(1 << 20) }, 'model.d': { tags: ['ß'] } }, parent_map: { 'model.a': [], 'model.b': ['model.a'] } };
    const file = join(dir, 'tracked.json');
    const nodes = new JsonRecord(undefined, true);
    const parents = new JsonRecord(undefined, true);
    for (const [k, v] of Object.entries(object.nodes)) nodes.set(k, v);
    for (const [k, v] of Object.entries(object.parent_map)) parents.set(k, v);
    writeJsonObject(file, [['metadata', object.metadata], ['nodes', nodes], ['parent_map', parents]], undefined);
    const bytes = readFileSync(file);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(object));
    const piece = (r: JsonRecord, i: number) => bytes.subarray(...r.position(i));
    expect(piece(nodes, 0).toString('utf8')).toBe(`"model.a":${JSON.stringify(object.nodes['model.a'])}`);
    expect(piece(nodes, 3).toString('utf8')).toBe(`"model.d":${JSON.stringify(object.nodes['model.d'])}`);
    expect(piece(parents, 1).toString('utf8')).toBe('"model.b":["model.a"]');
    // The same object again from the first write's bytes (a, then c and d as one run), mixed with new text.
    const again = new JsonRecord(undefined, true);
    again.add(bytes, ...nodes.position(0));
    again.set('model.b', object.nodes['model.b']);
    again.add(bytes, ...nodes.position(2));
    again.add(bytes, ...nodes.position(3));
    expect(again.pieces.length).toBe(3);
    const parentsAgain = new JsonRecord(undefined);
    parentsAgain.add(bytes, ...parents.position(0));
    parentsAgain.add(bytes, ...parents.position(1));
    const second = join(dir, 'again.json');
    writeJsonObject(second, [['metadata', object.metadata], ['nodes', again], ['parent_map', parentsAgain]], undefined);
    expect(readFileSync(second).equals(bytes)).toBe(true);
    for (let i = 0; i < 4; i++) expect(again.position(i)).toEqual(nodes.position(i));
  });

  it('streams a record: its entries are written as they are added and their text dropped, with the bytes and positions of a whole write', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => [`model.m_${i}`, { sql: `select '${'é'.repeat(i % 7)}${'x'.repeat(1000)}' as c${i}`, i }] as const);
    const object = { metadata: { x: 1 }, nodes: Object.fromEntries(entries), parent_map: { 'model.m_0': [] } };
    const whole = new JsonRecord(undefined, true);
    for (const [k, v] of entries) whole.set(k, v);
    const first = join(dir, 'whole.json');
    writeJsonObject(first, [['metadata', object.metadata], ['nodes', whole], ['parent_map', object.parent_map]], undefined);
    const bytes = readFileSync(first);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(object));

    // Streamed: new text and runs of the first write's bytes (m_1..m_3 one run, extended while streaming).
    const file = join(dir, 'streamed.json');
    const out = new JsonObjectFile(file, undefined, true);
    const nodes = new JsonRecord(undefined, true);
    nodes.set(...entries[0]!);
    out.member('metadata', object.metadata);
    out.stream('nodes', nodes);
    for (let i = 1; i < 4; i++) nodes.add(bytes, ...whole.position(i));
    expect(nodes.pieces.length).toBe(2);
    for (let i = 4; i < entries.length; i++) nodes.set(...entries[i]!);
    // Written as they came: the file holds all but the last chunk's worth, and the record no text.
    expect(statSync(file).size).toBeGreaterThan(bytes.length - (2 << 20));
    expect(nodes.pieces.every((p) => p === null)).toBe(true);
    out.endStream(nodes);
    out.member('parent_map', object.parent_map);
    const at = out.close();
    expect(readFileSync(file).equals(bytes)).toBe(true);
    for (const i of [0, 1, 3, 4, 2999]) expect(nodes.position(i)).toEqual(whole.position(i));
    expect(at.get('nodes')![0]).toBe(bytes.indexOf('{"model.m_0"'));
  });

  it("copies entries from an earlier write's open file as they are written (short runs and runs longer than a chunk), its separators checked", () => {
    const object = { metadata: { x: 1 }, nodes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`model.m_${i}`, { sql: `select '${i % 7 !== 6 ? 'x'.repeat(200) : 'é'.repeat(100_000)}'` }])) };
    const file = join(dir, 'earlier.json');
    const nodes = new JsonRecord(undefined, true);
    for (const [k, v] of Object.entries(object.nodes)) nodes.set(k, v);
    writeJsonObject(file, [['metadata', object.metadata], ['nodes', nodes]], undefined);
    const bytes = readFileSync(file);
    // Nodes 3, 5 and 38 made again, the others copied from the file: short runs (0-2, 4, 39) and a long one (6-37).
    const rewrite = (source: FileBytes) => {
      const again = new JsonRecord(undefined, true);
      Object.entries(object.nodes).forEach(([k, v], i) => (i === 3 || i === 5 || i === 38 ? again.set(k, v) : again.add(source, ...nodes.position(i))));
      const out = join(dir, 'from-file.json');
      writeJsonObject(out, [['metadata', object.metadata], ['nodes', again]], undefined);
      for (let i = 0; i < 40; i++) expect(again.position(i)).toEqual(nodes.position(i));
      return readFileSync(out);
    };
    const fd = openSync(file, 'r');
    try {
      expect(rewrite(new FileBytes(fd, bytes.length)).equals(bytes)).toBe(true);
    } finally {
      closeSync(fd);
    }
    // A separator that is no longer a comma (the file is not what its record says): the write stops, to be made in full.
    for (const entry of [1, 20]) {
      const damaged = Buffer.from(bytes);
      damaged[nodes.position(entry)[1]] = 0x20;
      writeFileSync(file, damaged);
      const fd2 = openSync(file, 'r');
      try {
        expect(() => rewrite(new FileBytes(fd2, damaged.length))).toThrow(EarlierBytesChanged);
      } finally {
        closeSync(fd2);
      }
    }
  });
});
