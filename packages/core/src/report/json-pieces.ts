import { closeSync, openSync, writeSync } from 'node:fs';

/*
 * A large JSON artifact (manifest.json: ~50 MB for 25,000 nodes) written piece by piece. Built as
 * one object and stringified at once, it was alive three times at the end of a cold compile: every
 * node's dict, the JSON text, and that text's bytes for the write — the command's memory peak. Here
 * each entry of a big record is stringified as it is added (its dict is garbage at once) and the
 * pieces are written in turn. The bytes are JSON.stringify's of the whole object, replacer included
 * (it is called with each value, as there; keys are never replaced).
 */

type Replacer = ((key: string, value: unknown) => unknown) | undefined;

/** The JSON text of a record, entry by entry. */
export class JsonRecord {
  readonly pieces: string[] = [];

  constructor(private readonly replacer: Replacer) {}

  /** Adds `"key":value` (nothing when the value stringifies to nothing, as JSON.stringify leaves out an undefined member). */
  set(key: string, value: unknown): void {
    const text = JSON.stringify(value, this.replacer);
    if (text !== undefined) this.pieces.push(`${JSON.stringify(key)}:${text}`);
  }
}

const CHUNK = 1 << 20;

/** Writes the object of `members` (in order; a JsonRecord's pieces as that member's value) to `path`, as JSON.stringify would. */
export function writeJsonObject(path: string, members: readonly (readonly [string, unknown])[], replacer: Replacer): void {
  const fd = openSync(path, 'w');
  try {
    let chunk = '';
    const flush = () => {
      const bytes = Buffer.from(chunk);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      chunk = '';
    };
    const put = (text: string) => {
      chunk += text;
      if (chunk.length >= CHUNK) flush();
    };
    let first = true;
    for (const [key, value] of members) {
      if (value instanceof JsonRecord) {
        put(`${first ? '{' : ','}${JSON.stringify(key)}:{`);
        value.pieces.forEach((piece, i) => put(i === 0 ? piece : `,${piece}`));
        put('}');
      } else {
        const text = JSON.stringify(value, replacer);
        if (text === undefined) continue;
        put(`${first ? '{' : ','}${JSON.stringify(key)}:${text}`);
      }
      first = false;
    }
    put(first ? '{}' : '}');
    flush();
  } finally {
    closeSync(fd);
  }
}
