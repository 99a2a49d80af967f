import { describe, expect, it } from 'vitest';
import {
  caseFoldedCte,
  caseFoldedIdentifier,
  columnInOtherCase,
  scopeColumnsQuery,
  selfSuggestedIdentifier,
  withIdentifierCase,
  withTableCase,
} from '../../../packages/core/src/execute/dbt-semantics/identifier-case.js';

describe('identifier-case (dbt_semantics: unquoted names case-insensitive)', () => {
  it("reads ClickHouse's refusals: the one suggested column spelled like the name but for case", () => {
    expect(caseFoldedIdentifier("Code: 47. UNKNOWN_IDENTIFIER: Unknown expression identifier `TYPE` in scope  final. Maybe you meant: ['type'].")).toEqual({ from: 'TYPE', to: 'type', scope: 'final' });
    expect(caseFoldedIdentifier("Identifier 't.ID' cannot be resolved from table with name t. In scope SELECT … Maybe you meant: ['t.id'].")).toEqual({ from: 'ID', to: 'id', qualifier: 't' });
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

describe('identifier-case: a fold within the scope ClickHouse names', () => {
  const sql = [
    'with base as (select * from t),',
    'fields as (select metric_id as metric_id, _fivetran_deleted as _fivetran_deleted, extract(day from d) as d from base where metric_id > 0),',
    'rename as (select cast(metric_id as String) as metric_id from fields where not coalesce(_fivetran_deleted, false))',
    'select * from rename',
  ].join('\n');

  it('respells references inside the scope CTE only, never an alias there, so the CTE outputs the names as written', () => {
    const fold = caseFoldedIdentifier("Code: 47. UNKNOWN_IDENTIFIER: Unknown expression identifier `metric_id` in scope  fields. Maybe you meant: ['METRIC_ID'].");
    expect(fold).toEqual({ from: 'metric_id', to: 'METRIC_ID', scope: 'fields' });
    expect(withIdentifierCase(sql, fold!)).toBe(sql.replace('(select metric_id as metric_id', '(select METRIC_ID as metric_id').replace('where metric_id > 0', 'where METRIC_ID > 0'));
    // A view's stored CTE name, as ClickHouse names the scope reading it (view-cte-names.ts).
    expect(caseFoldedIdentifier("Unknown expression identifier `metric_id` in scope  fields__tsdbt_cte AS fields. Maybe you meant: ['METRIC_ID'].")).toEqual({ from: 'metric_id', to: 'METRIC_ID', scope: 'fields' });
    // A scope the SQL does not define as a CTE (ClickHouse wrote the query): every spelling, as before.
    expect(withIdentifierCase('select metric_id as metric_id from t', { from: 'metric_id', to: 'METRIC_ID', scope: 'nowhere' })).toBe('select METRIC_ID as METRIC_ID from t');
  });

  it('respells a qualified refusal only after its qualifier', () => {
    const join = 'select e.person_id, p.person_id from e join p on e.person_id = p.person_id';
    const fold = caseFoldedIdentifier("Identifier 'e.person_id' cannot be resolved from subquery. In scope  j. Maybe you meant: ['e.PERSON_ID'].");
    expect(fold).toEqual({ from: 'person_id', to: 'PERSON_ID', scope: 'j', qualifier: 'e' });
    expect(withIdentifierCase(join, fold!)).toBe('select e.PERSON_ID, p.person_id from e join p on e.PERSON_ID = p.person_id');
  });

  it('reads a refusal suggesting the name itself (an alias of it) and asks for the scope CTE\'s columns', () => {
    const message = "Code: 47. UNKNOWN_IDENTIFIER: Unknown expression or function identifier `metric_id` in scope  fields. Maybe you meant: ['metric_id'].";
    expect(caseFoldedIdentifier(message)).toBeUndefined();
    expect(selfSuggestedIdentifier(message)).toBe('metric_id');
    expect(selfSuggestedIdentifier("Unknown expression identifier `metric_id` in scope x. Maybe you meant: ['metric_ids'].")).toBeUndefined();
    // The FROM clause of `fields` (its WHERE left out; a FROM inside a call is not it), after the CTEs before it.
    expect(scopeColumnsQuery(message, sql)).toBe('with base as (select * from t)\nselect * from  base ');
    expect(scopeColumnsQuery("Unknown expression identifier `x` in scope  base. Maybe you meant: ['x'].", sql)).toBe('\nselect * from  t');
    expect(scopeColumnsQuery("Unknown expression identifier `x` in scope SELECT x FROM t. Maybe you meant: ['x'].", sql)).toBeUndefined();
    expect(columnInOtherCase('metric_id', ['ID', 'METRIC_ID'])).toEqual({ from: 'metric_id', to: 'METRIC_ID' });
    expect(columnInOtherCase('metric_id', ['metric_id', 'METRIC_ID'])).toBeUndefined();
    expect(columnInOtherCase('metric_id', ['Metric_Id', 'METRIC_ID'])).toBeUndefined();
  });
});
