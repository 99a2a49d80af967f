import { describe, expect, it } from 'vitest';
import { caseFoldedIdentifier, withIdentifierCase } from '../../../packages/core/src/execute/dbt-semantics/identifier-case.js';

describe('identifier-case (dbt_semantics: unquoted names case-insensitive)', () => {
  it("reads ClickHouse's refusals: the one suggested column spelled like the name but for case", () => {
    expect(caseFoldedIdentifier("Code: 47. UNKNOWN_IDENTIFIER: Unknown expression identifier `TYPE` in scope  final. Maybe you meant: ['type'].")).toEqual({ from: 'TYPE', to: 'type' });
    expect(caseFoldedIdentifier("Identifier 't.ID' cannot be resolved from table with name t. In scope SELECT … Maybe you meant: ['t.id'].")).toEqual({ from: 'ID', to: 'id' });
    // two columns that differ only in case: ambiguous; a suggestion that is another name: none
    expect(caseFoldedIdentifier("Unknown expression identifier `TYPE` in scope x. Maybe you meant: ['type','Type'].")).toBeUndefined();
    expect(caseFoldedIdentifier("Unknown expression identifier `typo` in scope x. Maybe you meant: ['type'].")).toBeUndefined();
    expect(caseFoldedIdentifier('Unknown expression identifier `TYPE` in scope x.')).toBeUndefined();
  });

  it('respells the name outside strings, quoted names and comments, and not where it is called', () => {
    const sql = "select TYPE as type, 'TYPE' as l, `TYPE` as q, t.TYPE, TYPE(x), TYPES -- TYPE\nfrom t where TYPE = 1";
    expect(withIdentifierCase(sql, { from: 'TYPE', to: 'type' })).toBe("select type as type, 'TYPE' as l, `TYPE` as q, t.type, TYPE(x), TYPES -- TYPE\nfrom t where type = 1");
  });
});
