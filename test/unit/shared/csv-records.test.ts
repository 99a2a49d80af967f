import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../../packages/core/src/shared/csv-records.js';

describe('parseCsvRecords', () => {
  it('keeps delimiters, doubled quotes and newlines inside quoted fields, and numbers records by their first line', () => {
    const text = 'id,name,note\n1,"a, b","say ""hi"""\n\n2,c,"two\nlines"\r\n3,,\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['1', 'a, b', 'say "hi"'] },
      { line: 4, fields: ['2', 'c', 'two\nlines'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  it('honours another delimiter and a last line without newline', () => {
    expect(parseCsvRecords('a;b\n1;2', ';')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });
});
