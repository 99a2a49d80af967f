/** A replacement of `length` characters at offset `at` of a text (0: an insertion). */
export interface Edit {
  readonly at: number;
  /** How many characters of the source the edit replaces. */
  readonly length: number;
  readonly text: string;
}

/**
 * `text` with `edits` applied (non-overlapping; any order; insertions at one offset in reverse list
 * order, as applying them one by one from the end gives). Built from slices of `text` in one pass:
 * editing a growing string from its end copied it again at every edit — seconds for a few hundred
 * edits of a large generated model. Overlapping edits are applied that old way (what they give is
 * defined by it).
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || b.i - a.i);
  const parts: string[] = [];
  let kept = 0; // text[kept..] is not copied yet
  for (const { e } of order) {
    if (e.at < kept) return oneByOne(text, edits);
    parts.push(text.slice(kept, e.at), e.text);
    kept = e.at + e.length;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

function oneByOne(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.length);
  return out;
}
