import nunjucks from 'nunjucks';

/**
 * nunjucks' lexer with its scanning loop done on whole runs of text: nunjucks' own
 * `_extractMatching` moves one character at a time (a `charAt`, a string append and a line/column
 * update each), which made lexing the text between tags a sixth of a cold load of a Jinja-heavy
 * project. This gives the same tokens and positions (test/unit/render/jinja-tokenizer.test.ts).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ctor = new (...args: any[]) => any;
const NunjucksTokenizer = Object.getPrototypeOf((nunjucks as any).lexer.lex('', {})).constructor as Ctor;

const stopsIn = new Map<string, RegExp>();
const stopsOut = new Map<string, RegExp>();

/** A regex finding the first character in `chars` (or not in it), per UTF-16 unit as nunjucks' charAt. */
function stopAt(chars: string, breakOnMatch: boolean): RegExp {
  const stops = breakOnMatch ? stopsIn : stopsOut;
  let re = stops.get(chars);
  if (!re) {
    const set = chars.replace(/[\\\]\[^-]/g, '\\$&');
    // An empty set: nothing stops a run (breakOnMatch), anything stops it (otherwise).
    re = set === '' ? (breakOnMatch ? /(?!)/g : /[^]/g) : new RegExp(breakOnMatch ? `[${set}]` : `[^${set}]`, 'g');
    stops.set(chars, re);
  }
  return re;
}

export class JinjaTokenizer extends NunjucksTokenizer {
  /** Whether `str` comes next (null past the end, as nunjucks), without slicing a copy to compare. */
  _matches(this: any, str: string): boolean | null {
    if (this.index + str.length > this.len) return null;
    return (this.str as string).startsWith(str, this.index);
  }

  /** Characters up to the first one in `chars` (breakOnMatch) or not in it; '' when none, null at the end. */
  _extractMatching(this: any, breakOnMatch: boolean, chars: string): string | null {
    const start: number = this.index;
    const len: number = this.len;
    if (start >= len) return null;
    const stop = stopAt(chars, breakOnMatch);
    stop.lastIndex = start;
    const i = stop.test(this.str) ? stop.lastIndex - 1 : len;
    if (i === start) return '';
    const str: string = this.str;
    const text = str.slice(start, i);
    // nunjucks' forward(): a newline passed starts line + 1 at column 0, any other character adds a column.
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) this.colno += text.length;
    else {
      let lines = 0;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
      this.lineno += lines;
      this.colno = text.length - lastNewline - 1;
    }
    this.index = i;
    return text;
  }
}
