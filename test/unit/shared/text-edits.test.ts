import { describe, expect, it } from 'vitest';
import { applyEdits, type Edit } from '../../../packages/core/src/shared/text-edits.js';

/** What applying the edits one by one from the end gives (the rewrites' old way, the reference). */
const oneByOne = (text: string, edits: readonly Edit[]) =>
  [...edits].sort((a, b) => b.at - a.at).reduce((out, e) => out.slice(0, e.at) + e.text + out.slice(e.at + e.length), text);

describe('applyEdits (shared/text-edits.ts)', () => {
  it('gives what applying the edits one by one from the end gives: replacements, insertions, ties, overlaps', () => {
    const text = 'select a, b from t where c = 1';
    const cases: Edit[][] = [
      [],
      [{ at: 7, length: 1, text: 'x' }, { at: 0, length: 0, text: '/* */ ' }, { at: text.length, length: 0, text: ' limit 1' }],
      // insertions at one offset: the later one in the list comes first in the text
      [{ at: 8, length: 0, text: ' AS a' }, { at: 8, length: 0, text: ')' }, { at: 7, length: 0, text: '(' }],
      // an insertion where a replacement starts, in both list orders
      [{ at: 17, length: 1, text: 'db.t' }, { at: 17, length: 0, text: '(' }],
      [{ at: 17, length: 0, text: '(' }, { at: 17, length: 1, text: 'db.t' }],
      // overlapping (nested) edits
      [{ at: 19, length: 11, text: 'where true' }, { at: 25, length: 1, text: 'k' }],
    ];
    for (const edits of cases) expect(applyEdits(text, edits), JSON.stringify(edits)).toBe(oneByOne(text, edits));
  });
});
