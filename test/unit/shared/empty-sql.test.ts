import { describe, expect, it } from 'vitest';
import { emptyByDefinition, isEmptySql } from '../../../packages/core/src/shared/empty-sql.js';

describe('isEmptySql', () => {
  it('is true for blank text and text of comments only', () => {
    for (const sql of ['', '  \n\t', '-- only a comment', '/* block */', ' /* a */ -- b\n  /* c', '--x\n--y\n', '/* -- */'])
      expect(isEmptySql(sql)).toBe(true);
  });

  it('is false when any SQL is left outside comments', () => {
    for (const sql of ['select 1', '  select 1 -- c', '-- c\nselect 1', '/* c */ select 1', '/ 2', '-1', 'x /* never closed'])
      expect(isEmptySql(sql)).toBe(false);
  });

  it('answers as its definition (comments taken out, then nothing left) for every text of comment characters up to 7 long', () => {
    // The scan over leading comments must never differ from the definition, also where the order of removal
    // matters: `/*` inside a `--` comment, `-/* */-` becoming `--`, an unclosed block.
    const alphabet = ['-', '/', '*', '\n', ' ', 'x'];
    let checked = 0;
    const differing: string[] = [];
    const each = (prefix: string, left: number): void => {
      if (isEmptySql(prefix) !== emptyByDefinition(prefix)) differing.push(prefix);
      checked++;
      if (left > 0) for (const c of alphabet) each(prefix + c, left - 1);
    };
    each('', 7);
    expect(differing).toEqual([]);
    expect(checked).toBe((6 ** 8 - 1) / 5);
  });
});

