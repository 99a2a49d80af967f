// execute/dbt-semantics/dequalify.ts: which `EXPLAIN AST` outputs prove that no output column of a joined query can be named
// `t.col` (ClickHouse's name for an unaliased qualified column of a join), so the DESCRIBE can be skipped.
import { describe, expect, it } from 'vitest';
import { plainOutputNames } from '../../../packages/core/src/execute/dbt-semantics/dequalify.js';

const ast = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

// As ClickHouse 26.7 prints `EXPLAIN AST WITH x AS (SELECT 1 AS a) SELECT a.x AS z, count() AS c, q, t.u + 1, 1 FROM a JOIN b ON a.x = b.x`.
const withList = `
SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 1)
    WithElement (children 1)
     Subquery (children 1)
      SelectWithUnionQuery (children 1)
       ExpressionList (children 1)
        SelectQuery (children 1)
         ExpressionList (children 1)
          Identifier t.a
   ExpressionList (children 5)
    Identifier a.x (alias z)
    Function count (alias c) (children 1)
     ExpressionList
    Identifier q
    Function plus (children 1)
     ExpressionList (children 2)
      Identifier t.u
      Literal UInt64_1
    Literal UInt64_1
   TablesInSelectQuery (children 2)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier a
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      TableIdentifier b
     TableJoin (children 1)
      Function equals (children 1)
       ExpressionList (children 2)
        Identifier a.x
        Identifier b.x`;

const selectList = (items: string[], withItems: string[] = []) =>
  [
    'SelectWithUnionQuery (children 1)',
    ' ExpressionList (children 1)',
    `  SelectQuery (children ${withItems.length ? 3 : 2})`,
    ...(withItems.length ? [`   ExpressionList (children ${withItems.length})`, ...withItems.map((i) => `    ${i}`)] : []),
    `   ExpressionList (children ${items.length})`,
    ...items.map((i) => `    ${i}`),
    '   TablesInSelectQuery (children 1)',
    '    TablesInSelectQueryElement (children 1)',
    '     TableExpression (children 1)',
    '      TableIdentifier a',
  ];

describe('plainOutputNames', () => {
  it('aliased items, plain identifiers, literals and function calls cannot be named t.col (the WITH list is not the select list)', () => {
    expect(plainOutputNames(ast(withList))).toBe(true);
    expect(plainOutputNames(selectList(['Identifier x'], ['Identifier a.b']))).toBe(true);
  });

  it('an unaliased qualified identifier, a star, t.*, COLUMNS() or an alias with a dot need the DESCRIBE', () => {
    expect(plainOutputNames(selectList(['Identifier a.x (alias z)', 'Identifier b.y']))).toBe(false);
    expect(plainOutputNames(selectList(['Asterisk']))).toBe(false);
    expect(plainOutputNames(selectList(['QualifiedAsterisk (children 1)', ' Identifier c']))).toBe(false);
    expect(plainOutputNames(selectList(['ColumnsRegexpMatcher']))).toBe(false);
    expect(plainOutputNames(selectList(['Identifier x (alias `t.x`)']))).toBe(false);
    expect(plainOutputNames(selectList(['Identifier x (alias t.x)']))).toBe(false);
  });

  it('every SELECT of a UNION is checked; a nested union, a select without FROM or an unknown shape describe', () => {
    const two = [...selectList(['Identifier a.x (alias x)']), ...selectList(['Identifier b.x']).slice(2)];
    two[1] = ' ExpressionList (children 2)';
    expect(plainOutputNames(two)).toBe(false);
    const ok = [...selectList(['Identifier a.x (alias x)']), ...selectList(['Identifier x']).slice(2)];
    ok[1] = ' ExpressionList (children 2)';
    expect(plainOutputNames(ok)).toBe(true);
    expect(plainOutputNames(['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  SelectWithUnionQuery (children 1)'])).toBe(false);
    expect(plainOutputNames(['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  SelectQuery (children 1)', '   ExpressionList (children 1)', '    Literal UInt64_1'])).toBe(false);
    expect(plainOutputNames(['InsertQuery'])).toBe(false);
    expect(plainOutputNames([])).toBe(false);
  });
});
