import { describe, expect, it } from 'vitest';
import { caseFoldedCte, caseFoldedIdentifier, withIdentifierCase, withTableCase } from '../../../packages/core/src/execute/dbt-semantics/identifier-case.js';

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

describe('identifier-case: CTE names', () => {
  it("reads 'Unknown table expression identifier' with the one CTE named like it but for case", () => {
    const sql = 'WITH source AS (SELECT 1 AS id), RENAMED as (SELECT id as UID FROM source) SELECT * FROM renamed';
    expect(caseFoldedCte("Code: 60. UNKNOWN_TABLE: Unknown table expression identifier 'renamed' in scope  __dbt__cte__foo_1.", [sql])).toEqual({ from: 'renamed', to: 'RENAMED' });
    expect(caseFoldedCte("Unknown table expression identifier 'other' in scope x.", [sql])).toBeUndefined();
    // two CTEs that differ only in case: ambiguous
    expect(caseFoldedCte("Unknown table expression identifier 'renamed' in scope x.", ['with Renamed as (select 1), RENAMED as (select 2) select * from renamed'])).toBeUndefined();
  });

  it('respells the table after FROM/JOIN and as a qualifier only', () => {
    const sql = "with RENAMED as (select 1 as renamed) select renamed.renamed, 'renamed' from renamed join renamed as r on true -- from renamed";
    expect(withTableCase(sql, { from: 'renamed', to: 'RENAMED' })).toBe("with RENAMED as (select 1 as renamed) select RENAMED.renamed, 'renamed' from RENAMED join RENAMED as r on true -- from renamed");
  });
});

describe('identifier-case: a CTE fold within the refusal’s scope', () => {
  it('folds only inside the CTE ClickHouse names; a name some CTE is spelled as is left alone', () => {
    const sql = "with `__dbt__cte__foo` as (with renamed as (select 1 as uid) select * from renamed), `__dbt__cte__foo_1` as (WITH RENAMED as (SELECT 1 as UID) SELECT * FROM renamed) select * from __dbt__cte__foo union all select * from __dbt__cte__foo_1";
    const fold = caseFoldedCte("Code: 60. UNKNOWN_TABLE: Unknown table expression identifier 'renamed' in scope  __dbt__cte__foo_1.", [sql]);
    expect(fold).toEqual({ from: 'renamed', to: 'RENAMED', scope: '__dbt__cte__foo_1' });
    expect(withTableCase(sql, fold!)).toBe(sql.replace('SELECT * FROM renamed', 'SELECT * FROM RENAMED'));
    // Without a scope it names, the whole SQL has a CTE spelled `renamed`: no fold.
    expect(caseFoldedCte("Unknown table expression identifier 'renamed' in scope SELECT * FROM renamed.", [sql])).toBeUndefined();
  });
});
