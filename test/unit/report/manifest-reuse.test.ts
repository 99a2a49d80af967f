import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordManifest, rewriteManifestMetadata } from '../../../packages/core/src/report/manifest-reuse.js';

/* manifest.json with new metadata and the last write's contents (report/manifest-reuse.ts rewriteManifestMetadata). */

const dir = mkdtempSync(join(tmpdir(), 'tsdbt-manifest-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const path = join(dir, 'manifest.json');
const meta = (id: string) => JSON.stringify({ generated_at: '2026-12-05T23:00:00.000Z', invocation_id: id });
const body = ',"nodes":{"model.p.a":{"name":"a"}},"parent_map":{}}';

/** A manifest.json written with `metadata` and recorded as the last write of contents `key`. */
function lastWrite(metadata: string, key = 'k'): void {
  writeFileSync(path, `{"metadata":${metadata}${body}`);
  recordManifest(dir, path, key, Buffer.byteLength(`{"metadata":${metadata}`));
}

describe('rewriteManifestMetadata', () => {
  it('writes metadata of the same length over the old one in place, the rest of the file as it was', () => {
    lastWrite(meta('aaaa'));
    expect(rewriteManifestMetadata(dir, path, 'k', meta('bbbb'))).toBe('in place');
    expect(readFileSync(path, 'utf8')).toBe(`{"metadata":${meta('bbbb')}${body}`);
    // recorded again: the next command reuses it too
    expect(rewriteManifestMetadata(dir, path, 'k', meta('cccc'))).toBe('in place');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ metadata: JSON.parse(meta('cccc')), nodes: { 'model.p.a': { name: 'a' } }, parent_map: {} });
  });

  it('metadata of another length: the whole file written again, then in place once more', () => {
    lastWrite(meta('aaaa'));
    expect(rewriteManifestMetadata(dir, path, 'k', meta('a longer invocation id'))).toBe('rewritten');
    expect(readFileSync(path, 'utf8')).toBe(`{"metadata":${meta('a longer invocation id')}${body}`);
    expect(rewriteManifestMetadata(dir, path, 'k', meta('b longer invocation id'))).toBe('in place');
    expect(readFileSync(path, 'utf8')).toBe(`{"metadata":${meta('b longer invocation id')}${body}`);
  });

  it('other contents, or a file changed since its record, are not reused', () => {
    lastWrite(meta('aaaa'));
    expect(rewriteManifestMetadata(dir, path, 'other', meta('bbbb'))).toBe(false);
    const changed = `{"metadata":${meta('aaaa')},"nodes":{"model.p.bb":{"name":"bb"}},"parent_map":{}}`;
    writeFileSync(path, changed);
    expect(statSync(path).size).not.toBe(Buffer.byteLength(`{"metadata":${meta('aaaa')}${body}`));
    expect(rewriteManifestMetadata(dir, path, 'k', meta('bbbb'))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(changed);
  });
});
