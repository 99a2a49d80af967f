/**
 * Where an INSERT's inline data begins (`INSERT INTO … FORMAT x` or `… VALUES`), for `tsdbt serve`
 * and for the warehouse client (chDB must never receive data inline: adapter/insert-file.ts).
 * Strings, quoted identifiers and comments are blanked out before looking for keywords, so
 * `'… FORMAT CSV'` inside a literal does not count (shared/sql-statements.ts' lexer).
 */
import { blankNonCode } from './sql-statements.js';

/** `INSERT INTO … FORMAT x` or `INSERT INTO … VALUES` at the start of a text, and where its inline data begins. */
export interface InsertHead {
  /** The statement without its data. */
  readonly statement: string;
  /** The data's format (`Values` for VALUES). */
  readonly format: string;
  /** Index in the text where the inline data begins. */
  readonly dataOffset: number;
  /** The same in UTF-8 bytes. */
  readonly dataByteOffset: number;
}

// INSERT INTO <target, columns, SETTINGS…> up to the first FORMAT or VALUES keyword; an INSERT … SELECT
// (or WITH) has no inline data. Matched on blanked text, so keywords inside literals do not count.
const HEAD_BEFORE = String.raw`^\s*INSERT\s+INTO\b(?:(?!\b(?:SELECT|WITH|VALUES|FORMAT)\b)[\s\S])*?`;
const FORMAT_HEAD = new RegExp(HEAD_BEFORE + String.raw`\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)`, 'i');
const VALUES_HEAD = new RegExp(HEAD_BEFORE + String.raw`\bVALUES\b`, 'i');

/**
 * Finds the head of an INSERT with inline data. `complete` says the text is whole; on a partial
 * text (the start of a body) a head that may still continue is not reported yet.
 */
export function findInsertHead(text: string, complete: boolean): InsertHead | undefined {
  const blank = blankNonCode(text);
  const fm = FORMAT_HEAD.exec(blank);
  const vm = fm ? undefined : VALUES_HEAD.exec(blank);
  const m = fm ?? vm;
  if (!m) return undefined;
  const end = m.index + m[0].length;
  let dataOffset = end;
  if (fm) {
    // ClickHouse skips the blanks after the format name up to and including one line break.
    const tail = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
    if (!complete && end + tail[0].length >= text.length && !tail[1]) return undefined;
    dataOffset += tail[0].length;
  } else if (!complete && end >= text.length) return undefined;
  return {
    statement: text.slice(0, end).trim(),
    format: fm ? fm[1]! : 'Values',
    dataOffset,
    dataByteOffset: Buffer.byteLength(text.slice(0, dataOffset)),
  };
}
