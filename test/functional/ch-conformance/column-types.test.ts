import { describe, expect, it } from 'vitest';
import { Column } from '../../../packages/core/src/render/column.js';

/*
 * dbt-clickhouse tests/integration/adapter/column_types/test_column_types.py: ClickHouseColumn's
 * type predicates (is_string / is_numeric / is_float / is_integer), string_size and data_type,
 * plain, Nullable(…) and LowCardinality(…), as macros see them through `api.Column`.
 */

function verifyTypes(col: Column, isString: boolean, isNumeric: boolean, isFloat: boolean, isInt: boolean): void {
  expect([col.is_string(), col.is_numeric(), col.is_float(), col.is_integer()], col.data_type).toEqual([isString, isNumeric, isFloat, isInt]);
}

function verifyColumn(dtype: string, isString: boolean, isNumeric: boolean, isFloat: boolean, isInt: boolean): Column {
  const dataType = isString ? 'String' : dtype;
  const col = new Column('name', dtype);
  verifyTypes(col, isString, isNumeric, isFloat, isInt);
  expect([col.data_type, col.is_nullable]).toEqual([dataType, false]);
  const nullable = new Column('name', `Nullable(${dtype})`);
  verifyTypes(nullable, isString, isNumeric, isFloat, isInt);
  expect([nullable.data_type, nullable.is_nullable]).toEqual([`Nullable(${dataType})`, true]);
  const lowCardinality = new Column('name', `LowCardinality(${dtype})`);
  verifyTypes(lowCardinality, isString, isNumeric, isFloat, isInt);
  expect([lowCardinality.data_type, lowCardinality.is_nullable]).toEqual([`LowCardinality(${dataType})`, false]);
  return col;
}

describe('dbt-clickhouse test_column_types (ClickHouseColumn)', () => {
  it('test_base_types', () => {
    for (const t of ['UInt8', 'UInt16', 'UInt32', 'UInt64', 'UInt128', 'UInt256', 'Int8', 'Int16', 'Int32', 'Int64', 'Int128', 'Int256']) verifyColumn(t, false, false, false, true);
    expect(verifyColumn('String', true, false, false, false).string_size()).toBe(256);
    expect(verifyColumn('FixedString', true, false, false, false).string_size()).toBe(256);
    expect(verifyColumn('FixedString(16)', true, false, false, false).string_size()).toBe(16);
    verifyColumn('Decimal(6, 6)', false, true, false, false);
    verifyColumn('Float32', false, false, true, false);
    verifyColumn('Float64', false, false, true, false);
    for (const t of ['Date', 'Date32', "DateTime('Asia/Istanbul')", 'UUID']) verifyColumn(t, false, false, false, false);
  });

  it('test_array_type: arrays are none of the four kinds and not nullable', () => {
    for (const t of ['Array(String)', 'Array(Nullable(String))', 'Array(Nullable(FixedString(16)))']) {
      const col = new Column('name', t);
      verifyTypes(col, false, false, false, false);
      expect([col.data_type, col.is_nullable]).toEqual([t, false]);
    }
  });

  it('test_low_cardinality_nullable_type: LowCardinality(Nullable(…)) strings are nullable strings', () => {
    for (const t of ['LowCardinality(Nullable(String))', 'LowCardinality(Nullable(FixedString(16)))']) {
      const col = new Column('name', t);
      verifyTypes(col, true, false, false, false);
      expect([col.data_type, col.is_nullable]).toEqual(['LowCardinality(Nullable(String))', true]);
    }
  });

  it('test_map_type', () => {
    for (const t of ['Map(String, UInt64)', 'Map(String, Decimal(6, 6))']) {
      const col = new Column('name', t);
      verifyTypes(col, false, false, false, false);
      expect([col.data_type, col.is_nullable]).toEqual([t, false]);
    }
  });
});

describe('a Date32 column is dbt\'s date (render/column.ts)', () => {
  it('its dtype is Date, which type tests compare; data_type and literal() keep Date32', () => {
    const col = new Column('born', 'Nullable(Date32)');
    expect([col.dtype, col.data_type, col.literal("'1960-05-01'"), col.is_nullable]).toEqual(['Date', 'Nullable(Date32)', "toDate32('1960-05-01')", true]);
    expect([new Column('d', 'Date').dtype, new Column('d', 'Date').data_type]).toEqual(['Date', 'Date']);
  });
});
