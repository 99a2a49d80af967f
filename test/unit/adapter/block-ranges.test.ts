import { describe, expect, it } from 'vitest';
import { carriedRanges, heldBy, heldWith, numbersOutOfOrder, placeOf, strays } from '../../../packages/core/src/adapter/materializations/block-ranges.js';

const part = (p: string, lo: number, hi: number) => ({ p, lo, hi });

describe('block ranges a copy holds (copy-carry.ts)', () => {
  it('replicated engines number blocks out of commit order; plain MergeTree and other engines do not', () => {
    expect(['ReplicatedMergeTree', 'ReplicatedReplacingMergeTree', 'SharedMergeTree', 'SharedSummingMergeTree'].map(numbersOutOfOrder)).toEqual([true, true, true, true]);
    expect(['MergeTree', 'ReplacingMergeTree', 'Log', 'Distributed', ''].map(numbersOutOfOrder)).toEqual([false, false, false, false, false]);
  });

  it('numbered in commit order, a copy holds every block up to the cut: a part below it is held', () => {
    const held = heldBy([part('a', 0, 3), part('a', 5, 5), part('b', 2, 2)], false);
    expect(held).toEqual({ cut: new Map([['a', 5], ['b', 2]]) });
    expect(placeOf(held, part('a', 4, 4))).toBe('held');
    expect(placeOf(held, part('a', 6, 6))).toBe('new');
    expect(placeOf(held, part('a', 5, 6))).toBe('across');
    expect(placeOf(held, part('c', 0, 0))).toBe('new');
  });

  it('exactly: the blocks below the cut its parts do not cover are gaps, and a part fetched into one later is carried', () => {
    const held = heldBy([part('a', 2, 3), part('a', 5, 5), part('a', 6, 9), part('b', 0, 0)], true);
    expect(held.gaps).toEqual([part('a', 0, 1), part('a', 4, 4)]);
    expect(placeOf(held, part('a', 4, 4))).toBe('new');
    expect(placeOf(held, part('a', 0, 0))).toBe('new');
    expect(placeOf(held, part('a', 5, 9))).toBe('held'); // a merge of held parts
    expect(placeOf(held, part('a', 3, 5))).toBe('across'); // a merge of held parts with the fetched one
    expect(placeOf(held, part('a', 10, 10))).toBe('new');
  });

  it('carried parts join what is held: their gaps close, the ones above the old cut open', () => {
    const held = heldBy([part('a', 0, 3), part('a', 6, 6)], true);
    const after = heldWith(held, [part('a', 4, 5), part('a', 9, 9), part('b', 1, 1)]);
    expect(after).toEqual({ cut: new Map([['a', 9], ['b', 1]]), gaps: [part('a', 7, 8), part('b', 0, 0)] });
    expect(heldWith(heldBy([part('a', 0, 3)], false), [part('a', 7, 7)])).toEqual({ cut: new Map([['a', 7]]) });
  });

  it('the carrying INSERT names the fresh parts’ own ranges when exact, one range above the cut otherwise', () => {
    const exact = heldBy([part('a', 0, 3), part('a', 6, 6)], true);
    const fresh = [part('a', 4, 4), part('a', 5, 5), part('a', 8, 8)];
    expect(carriedRanges(exact, fresh)).toEqual([part('a', 4, 5), part('a', 8, 8)]);
    expect(carriedRanges(heldBy([part('a', 0, 6)], false), [part('a', 7, 7), part('a', 9, 9)])).toEqual([part('a', 7, 9)]);
    // A part merged across a carried range's end after the look: its rows were not carried.
    expect(strays([part('a', 8, 9)], carriedRanges(exact, fresh))).toBe(true);
    expect(strays([part('a', 4, 5), part('a', 9, 9)], carriedRanges(exact, fresh))).toBe(false);
  });
});
