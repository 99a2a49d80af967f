import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SectionWriter } from '../../../packages/core/src/load/section-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdbt-section-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SectionWriter', () => {
  it('writes the header line last into its room, padded, then the sections as added (across batches)', () => {
    const file = join(dir, 'a.bin');
    const out = new SectionWriter(file, 200);
    const small = out.section([Buffer.from('one'), Buffer.from('two')]);
    // 3,000 parts of 1 KB: several batched writes, one section.
    const parts = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(1024, i % 251));
    for (const p of parts) out.add(p);
    const big = out.end();
    out.finish(JSON.stringify({ small, big }));
    const bytes = readFileSync(file);
    const cut = bytes.indexOf(10);
    expect(cut).toBe(200);
    expect(JSON.parse(bytes.subarray(0, cut).toString())).toEqual({ small, big });
    expect(bytes.subarray(cut + 1, cut + 7).toString()).toBe('onetwo');
    expect(small).toEqual({ bytes: 6, crc32: crc32(Buffer.from('onetwo')).toString(16) });
    const body = Buffer.concat(parts);
    expect(big).toEqual({ bytes: body.length, crc32: crc32(body).toString(16) });
    expect(bytes.subarray(cut + 7).equals(body)).toBe(true);
  });

  it('refuses a header larger than its room (the caller then drops the file)', () => {
    const out = new SectionWriter(join(dir, 'b.bin'), 8);
    out.section([Buffer.from('x')]);
    expect(() => out.finish('{"too":"long for eight"}')).toThrow(/does not fit/);
  });
});

describe('SectionWriter header room', () => {
  it('pads by bytes: a header with non-ASCII text ends exactly at its room', () => {
    const file = join(dir, 'c.bin');
    const out = new SectionWriter(file, 40);
    out.section([Buffer.from('body')]);
    out.finish(JSON.stringify({ path: '/données/projet' }));
    const bytes = readFileSync(file);
    expect(bytes.indexOf(10)).toBe(40);
    expect(JSON.parse(bytes.subarray(0, 40).toString())).toEqual({ path: '/données/projet' });
    expect(bytes.subarray(41).toString()).toBe('body');
  });
});
