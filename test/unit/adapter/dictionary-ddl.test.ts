import { describe, expect, it } from 'vitest';
import { createDictionarySql, dictionarySpec } from '../../../packages/core/src/adapter/dictionary-ddl.js';
import type { NodeConfig } from '../../../packages/core/src/manifest/config.js';

const where = { name: 'd', file: 'models/d.sql', schema: 'analytics' };
const cols = [
  { name: 'id', type: 'UInt32' },
  { name: 'name', type: 'String' },
];
const config = (c: Record<string, unknown>) => ({ enabled: true, materialized: 'dictionary', tags: [], meta: {}, ...c }) as NodeConfig;
const ddl = (c: Record<string, unknown>, credentials = {}) =>
  createDictionarySql({ schema: 'analytics', identifier: 'd' }, dictionarySpec(config(c), cols, 'SELECT id, name FROM `analytics`.`users`', where, credentials));

describe('dictionary DDL', () => {
  it('defaults: the query as a ClickHouse source on the same server, first column as UInt64 key, HASHED, an hour', () => {
    expect(ddl({})).toBe(
      [
        'CREATE DICTIONARY `analytics`.`d` (`id` UInt64, `name` String)',
        'PRIMARY KEY `id`',
        "SOURCE(CLICKHOUSE(QUERY 'SELECT id, name FROM `analytics`.`users`'))",
        'LAYOUT(HASHED())',
        'LIFETIME(MIN 0 MAX 3600)',
      ].join('\n'),
    );
  });

  it("dbt-clickhouse's update_field and update_lag go into the ClickHouse source", () => {
    expect(ddl({ update_field: 'updated_at', update_lag: 120 })).toMatch(/SOURCE\(CLICKHOUSE\(QUERY '.*' UPDATE_FIELD 'updated_at' UPDATE_LAG 120\)\)/);
  });

  it('DIRECT layouts get no LIFETIME unless one is configured (ClickHouse refuses one: dbt-clickhouse TestDirectDictionary)', () => {
    expect(ddl({ layout: 'DIRECT()' })).not.toMatch(/LIFETIME/);
    expect(ddl({ layout: 'complex_key_direct', primary_key: 'name' })).not.toMatch(/LIFETIME/);
    expect(ddl({ layout: 'FLAT()' })).toMatch(/LIFETIME\(MIN 0 MAX 3600\)/);
  });

  it("passes the profile's user and password to the source, escaped", () => {
    expect(ddl({}, { user: 'etl', password: "p'w" })).toMatch(/SOURCE\(CLICKHOUSE\(USER 'etl' PASSWORD 'p\\'w' QUERY/);
  });

  it("reads a table instead of the query with dbt-clickhouse's `table`", () => {
    expect(ddl({ table: 'users' })).toMatch(/SOURCE\(CLICKHOUSE\(DB 'analytics' TABLE 'users'\)\)/);
    expect(ddl({ table: 'raw.users' })).toMatch(/SOURCE\(CLICKHOUSE\(DB 'raw' TABLE 'users'\)\)/);
  });

  it("dbt-clickhouse's source_type http, and any source through dict_source", () => {
    expect(ddl({ source_type: 'http', url: 'https://x/y.csv', format: 'CSVWithNames' })).toMatch(/SOURCE\(HTTP\(URL 'https:\/\/x\/y.csv' FORMAT 'CSVWithNames'\)\)/);
    expect(ddl({ dict_source: { type: 'postgresql', host: 'pg', port: 5432, db: 'app', table: 'users', user: 'u', password: 'p' } })).toMatch(
      /SOURCE\(POSTGRESQL\(HOST 'pg' PORT 5432 DB 'app' TABLE 'users' USER 'u' PASSWORD 'p'\)\)/,
    );
  });

  it('fields, a composite key, a range and lifetime shapes', () => {
    const text = ddl({ fields: [['k1', 'String'], ['k2', 'UInt8'], ['v', 'Float64']], primary_key: ['k1', 'k2'], lifetime: { min: 5, max: 10 } });
    expect(text).toMatch(/\(`k1` String, `k2` UInt8, `v` Float64\)\nPRIMARY KEY `k1`, `k2`/);
    expect(text).toMatch(/LAYOUT\(COMPLEX_KEY_HASHED\(\)\)\nLIFETIME\(MIN 5 MAX 10\)/);
    expect(ddl({ layout: 'range_hashed', range: { min: 'start', max: 'end' }, lifetime: 600 })).toMatch(/LAYOUT\(range_hashed\(\)\)\nLIFETIME\(600\)\nRANGE\(MIN `start` MAX `end`\)/);
  });

  it('errors name the model and say what to write', () => {
    expect(() => ddl({ primary_key: 'nope' })).toThrow(/Dictionary d: primary_key 'nope' is not one of its columns \(id, name\)/);
    expect(() => ddl({ lifetime: 'soon' })).toThrow(/lifetime 'soon' is not seconds or 'MIN a MAX b'/);
    expect(() => ddl({ dict_source: { url: 'x' } })).toThrow(/dict_source needs a type/);
    expect(() => ddl({ source_type: 'http' })).toThrow(/source_type 'http' needs url and format/);
  });
});
