import { describe, expect, it } from 'vitest';
import { fixtureRowsSql, literal, nullableType, unitTestSql } from '../../../packages/core/src/compile/unit-test-sql.js';

describe('unit test fixture SQL', () => {
  it('makes a column Nullable where ClickHouse allows it, inside LowCardinality, never around arrays', () => {
    expect(nullableType('Int32')).toBe('Nullable(Int32)');
    expect(nullableType('Nullable(Int32)')).toBe('Nullable(Int32)');
    expect(nullableType('LowCardinality(String)')).toBe('LowCardinality(Nullable(String))');
    expect(nullableType('Array(Int32)')).toBe('Array(Int32)');
  });

  it('writes YAML values as ClickHouse literals (dates as dbt prints them)', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal(null)).toBe('NULL');
    expect(literal(new Date(Date.UTC(2024, 0, 31)))).toBe("'2024-01-31'");
    expect(literal(new Date(Date.UTC(2024, 0, 31, 10, 5, 0)))).toBe("'2024-01-31 10:05:00'");
    expect(literal([1, 'a'])).toBe("[1, 'a']");
  });

  it('types every row by the schema: a value left out or null is a typed NULL, or the default where no NULL exists', () => {
    const sql = fixtureRowsSql([{ id: 1, tags: ['a'] }, { id: null }], { columns: [{ name: 'id', type: 'Int32' }, { name: 'tags', type: 'Array(String)' }], complete: true }, { what: "'t'", file: 'u.yml' }, false);
    expect(sql).toBe(
      "select CAST(1, 'Nullable(Int32)') as `id`, CAST(['a'], 'Array(String)') as `tags`\nunion all\nselect CAST(NULL, 'Nullable(Int32)') as `id`, defaultValueOfTypeName('Array(String)') as `tags`",
    );
    expect(fixtureRowsSql([], { columns: [{ name: 'id', type: 'Int32' }], complete: true }, { what: "'t'", file: 'u.yml' }, false)).toBe("select CAST(NULL, 'Nullable(Int32)') as `id` limit 0");
  });

  it("refuses a column the input does not have with dbt's message, when the input's columns are complete", () => {
    expect(() => fixtureRowsSql([{ idd: 1 }], { columns: [{ name: 'id', type: 'Int32' }], complete: true }, { what: "'t'", file: 'u.yml' }, false)).toThrow(
      "Invalid column name: 'idd' in unit test fixture for 't'.\nAccepted columns for 't' are: ['id']",
    );
  });

  it("selects the tested columns of both sides, tagged as dbt's get_unit_test_sql does", () => {
    expect(unitTestSql('select 1 as a', 'select 1 as a', ['a'])).toBe(
      "select `a`, 'actual' as actual_or_expected from (\nselect 1 as a\n) as _dbt_internal_unit_test_actual\nunion all\nselect `a`, 'expected' as actual_or_expected from (\nselect 1 as a\n) as _dbt_internal_unit_test_expected",
    );
  });
});
