import { describe, expect, it } from 'vitest';
import { messageReader } from '../../../packages/cli/src/resident/resident-protocol.js';

/*
 * The resident process's socket messages (packages/cli/src/resident/resident-protocol.ts): one JSON
 * message a line, however the stream cuts the text into chunks.
 */
function readAll(chunks: readonly string[]): unknown[] {
  const out: unknown[] = [];
  const read = messageReader<unknown>((m) => out.push(m));
  for (const c of chunks) read(c);
  return out;
}

/** `text` cut into chunks of `size` characters. */
const cut = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('messageReader', () => {
  const messages = [{ begun: true }, { out: 'model.p.a\nmodel.p.b — é ✓\n' }, { err: '' }, { exit: 0 }];
  const text = messages.map((m) => JSON.stringify(m) + '\n').join('');

  it('gives each message once, in order, wherever the chunks are cut', () => {
    for (let size = 1; size <= text.length; size++) expect(readAll(cut(text, size))).toEqual(messages);
    for (let at = 0; at <= text.length; at++) expect(readAll([text.slice(0, at), text.slice(at)])).toEqual(messages);
  });

  it('reads a message of half a megabyte arriving in 64 KB chunks, with the next message in its last chunk', () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `model.project.m_${String(i).padStart(5, '0')}`).join('\n');
    const big = JSON.stringify({ out: lines }) + '\n' + JSON.stringify({ exit: 0 }) + '\n';
    expect(big.length).toBeGreaterThan(500_000);
    expect(readAll(cut(big, 64 << 10))).toEqual([{ out: lines }, { exit: 0 }]);
  });

  it('skips empty lines and keeps a line not ended yet until it is', () => {
    const out: unknown[] = [];
    const read = messageReader<unknown>((m) => out.push(m));
    read('\n\n{"exit"');
    expect(out).toEqual([]);
    read(':3}');
    expect(out).toEqual([]);
    read('\n\n');
    expect(out).toEqual([{ exit: 3 }]);
  });
});
