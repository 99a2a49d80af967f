import { describe, expect, it } from 'vitest';
import { isEmptySql } from '../../../packages/core/src/shared/empty-sql.js';

describe('isEmptySql', () => {
  it('is true for blank text and text of comments only', () => {
    for (const sql of ['', '  \n\t', '-- only a comment', '/* block */', ' /* a */ -- b\n  /* c', '--x\n--y\n', '/* -- */'])
      expect(isEmptySql(sql)).toBe(true);
  });

  it('is false when any SQL is left outside comments', () => {
    for (const sql of ['select 1', '  select 1 -- c', '-- c\nselect 1', '/* c */ select 1', '/ 2', '-1', 'x /* never closed'])
      expect(isEmptySql(sql)).toBe(false);
  });
});
