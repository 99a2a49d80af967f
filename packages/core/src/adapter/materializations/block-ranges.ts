import { sqlString } from '../../render/placeholders.js';
import type { BlockCut } from '../mv/cutoff.js';

/*
 * Which of a table's committed blocks a copy of it holds, and which rows to carry after it (copy-carry.ts).
 * A MergeTree table numbers its blocks per partition as it commits them: the copy holds every block up to a cut,
 * and a part that appears later lies above it. A Replicated/Shared engine does not: a block's number is allocated
 * in (Zoo)Keeper when its INSERT begins, on whichever replica, and this replica gets a part written on another one
 * by a later fetch — a part can appear below the cut after the copy was made (dropped with the old table, had it
 * been read as held). There the blocks the copy holds are noted exactly: the cut, and the gaps below it that its
 * parts did not cover; any part outside them is carried, whatever its number. The INSERT that carries names the
 * exact ranges of the parts seen, so a part fetched while it runs is left for the next look, never taken as held.
 */

/** Blocks `lo` … `hi` of partition `p` (a part's min_block_number … max_block_number). */
export interface BlockRange {
  readonly p: string;
  readonly lo: number;
  readonly hi: number;
}

/**
 * The blocks a copy holds: each partition's up to `cut`, but for `gaps` (exact: replicated engines, whose parts
 * can appear in them later); `gaps` undefined: blocks are numbered in commit order, nothing appears below the cut.
 */
export interface HeldBlocks {
  readonly cut: BlockCut;
  readonly gaps?: readonly BlockRange[];
}

/** Whether `engine` numbers blocks when an INSERT begins, on any replica, rather than as this table commits them. */
export const numbersOutOfOrder = (engine: string): boolean => /^(Replicated|Shared)\w*MergeTree$/.test(engine);

export const at = (cut: BlockCut, p: string): number => cut.get(p) ?? -1;

/** What the `parts` hold: exactly (their gaps noted) when `exact`, else every block up to each partition's highest. */
export function heldBy(parts: readonly BlockRange[], exact: boolean): HeldBlocks {
  const cut = new Map<string, number>();
  for (const x of parts) cut.set(x.p, Math.max(at(cut, x.p), x.hi));
  if (!exact) return { cut };
  const gaps: BlockRange[] = [];
  for (const p of [...cut.keys()].sort()) {
    let next = 0;
    for (const x of parts.filter((y) => y.p === p).sort((a, b) => a.lo - b.lo)) {
      if (x.lo > next) gaps.push({ p, lo: next, hi: x.lo - 1 });
      next = Math.max(next, x.hi + 1);
    }
  }
  return { cut, gaps };
}

/** `held` restricted to the partitions `ids`. */
export function ofPartitions(held: HeldBlocks, ids: readonly string[]): HeldBlocks {
  const cut = new Map([...held.cut].filter(([p]) => ids.includes(p)));
  return held.gaps ? { cut, gaps: held.gaps.filter((g) => ids.includes(g.p)) } : { cut };
}

export function sameHeld(a: HeldBlocks, b: HeldBlocks): boolean {
  const gaps = (h: HeldBlocks) => JSON.stringify(h.gaps ?? null);
  return a.cut.size === b.cut.size && [...a.cut].every(([p, n]) => b.cut.get(p) === n) && gaps(a) === gaps(b);
}

/** Where part `x` lies: in held blocks, in blocks not held (to carry), or across both (a merge joined them: it cannot be split). */
export function placeOf(held: HeldBlocks, x: BlockRange): 'held' | 'new' | 'across' {
  const cut = at(held.cut, x.p);
  if (x.lo > cut) return 'new';
  if (x.hi > cut) return 'across';
  const gaps = (held.gaps ?? []).filter((g) => g.p === x.p && g.lo <= x.hi && x.lo <= g.hi);
  if (gaps.length === 0) return 'held';
  return gaps.some((g) => g.lo <= x.lo && x.hi <= g.hi) ? 'new' : 'across';
}

/** `held` with the `carried` parts (each 'new' to it) added. */
export function heldWith(held: HeldBlocks, carried: readonly BlockRange[]): HeldBlocks {
  if (!held.gaps) {
    const cut = new Map(held.cut);
    for (const x of carried) cut.set(x.p, Math.max(at(cut, x.p), x.hi));
    return { cut };
  }
  // The held blocks as ranges (each partition's 0 … cut but its gaps), with the carried ones, noted again.
  const ranges: BlockRange[] = [...carried];
  for (const [p, cut] of held.cut) {
    let from = 0;
    for (const g of held.gaps.filter((y) => y.p === p).sort((a, b) => a.lo - b.lo)) {
      if (g.lo > from) ranges.push({ p, lo: from, hi: g.lo - 1 });
      from = g.hi + 1;
    }
    if (from <= cut) ranges.push({ p, lo: from, hi: cut });
  }
  return heldBy(ranges, true);
}

/**
 * The ranges an INSERT carries for the `fresh` parts (each 'new' to `held`): numbered in commit order, one per
 * partition from above the cut to the highest (a part committed after the look lies above it); exact, the parts'
 * own ranges (adjacent ones joined) — a part fetched after the look, in a gap, is left for the next look.
 */
export function carriedRanges(held: HeldBlocks, fresh: readonly BlockRange[]): BlockRange[] {
  const out: BlockRange[] = [];
  for (const p of [...new Set(fresh.map((x) => x.p))].sort()) {
    const mine = fresh.filter((x) => x.p === p).sort((a, b) => a.lo - b.lo);
    if (!held.gaps) {
      out.push({ p, lo: at(held.cut, p) + 1, hi: Math.max(...mine.map((x) => x.hi)) });
      continue;
    }
    for (const x of mine) {
      const last = out[out.length - 1];
      if (last?.p === p && last.hi + 1 === x.lo) out[out.length - 1] = { p, lo: last.lo, hi: x.hi };
      else out.push({ p, lo: x.lo, hi: x.hi });
    }
  }
  return out;
}

/** Whether a part overlaps one of `ranges` without lying within it (its rows were not carried with them). */
export const strays = (parts: readonly BlockRange[], ranges: readonly BlockRange[]): boolean =>
  parts.some((x) => ranges.some((r) => r.p === x.p && x.lo <= r.hi && r.lo <= x.hi && !(r.lo <= x.lo && x.hi <= r.hi)));

/** Field `i` of the name of a row's part (`<partition>_<min block>_<max block>_<level>[_<mutation>]`): 1 its partition, 2 and 3 its block range. */
export const field = (i: number): string => `splitByChar('_', _part)[${i}]`;

const lo = `toInt64(${field(2)})`;
const hi = `toInt64(${field(3)})`;

/**
 * The number `values` gives the partition of a row's part (`otherwise` for any other): each list one literal, so a
 * table's thousands of partitions stay within max_ast_elements; the statement's length is fitQuerySize()'s.
 */
export function perPartition(values: BlockCut, otherwise: bigint = -1n): string {
  const ids = [...values.keys()];
  return `transform(${field(1)}, [${ids.map(sqlString).join(', ')}], CAST([${ids.map((p) => values.get(p)).join(', ')}] AS Array(Int64)), toInt64(${otherwise}))`;
}

/**
 * `test` (a lambda of a, b) holds for one of the `ranges` (blocks a … b) of a row's part's partition: the partition
 * picks its own ranges by transform() (hashed) from one nested array literal, so a row is tested against its
 * partition's few ranges, not every partition's (a table rebuilt after partition replaces has a gap below each).
 */
function anyRange(ranges: readonly BlockRange[], test: string): string {
  const byPartition = new Map<string, BlockRange[]>();
  for (const r of ranges) byPartition.set(r.p, [...(byPartition.get(r.p) ?? []), r]);
  const ids = [...byPartition.keys()];
  const nested = (f: (r: BlockRange) => number) => `CAST([${[...byPartition.values()].map((rs) => `[${rs.map(f).join(', ')}]`).join(', ')}] AS Array(Array(Int64)))`;
  // 1-based; any other partition 0, whose element is an empty array.
  const index = `transform(${field(1)}, [${ids.map(sqlString).join(', ')}], CAST([${ids.map((_, i) => i + 1).join(', ')}] AS Array(UInt32)), toUInt32(0))`;
  return `arrayExists((a, b) -> ${test}, arrayElement(${nested((r) => r.lo)}, ${index}), arrayElement(${nested((r) => r.hi)}, ${index}))`;
}

/**
 * A condition on a table's rows: those in held blocks, by the partition and block range in their part's name (see
 * carriedRows). A part a merge made across held and other blocks is left out: placeOf() then finds it, before
 * anything changed.
 */
export function heldRows(held: HeldBlocks): string {
  if (held.cut.size === 0) return '0';
  const gaps = held.gaps ?? [];
  return `${hi} <= ${perPartition(held.cut)}${gaps.length ? ` AND NOT ${anyRange(gaps, `a <= ${hi} AND ${lo} <= b`)}` : ''}`;
}

/**
 * A condition on a table's rows: those of parts lying within one of `ranges` (carriedRanges), by the block range
 * of each row's part as named, not by the parts' names: a merge of those parts after the look at system.parts keeps
 * them in. The first range of each partition by transform(), hashed; any further ones (exact) in one array.
 */
export function carriedRows(ranges: readonly BlockRange[]): string {
  const first = new Map<string, BlockRange>();
  const more: BlockRange[] = [];
  for (const r of ranges) {
    if (first.has(r.p)) more.push(r);
    else first.set(r.p, r);
  }
  if (first.size === 0) return '0';
  const bound = (f: (r: BlockRange) => number) => new Map([...first].map(([p, r]) => [p, f(r)]));
  const one = `${lo} >= ${perPartition(bound((r) => r.lo), 2n ** 63n - 1n)} AND ${hi} <= ${perPartition(bound((r) => r.hi))}`;
  return more.length ? `(${one} OR ${anyRange(more, `a <= ${lo} AND ${hi} <= b`)})` : one;
}
