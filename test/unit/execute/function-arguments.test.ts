import { describe, expect, it } from 'vitest';
import { createFunctionSql } from '../../../packages/core/src/execute/run-function.js';
import type { FunctionNode } from '../../../packages/core/src/manifest/nodes.js';

const fn = (args: [string, string][], returns?: string) =>
  ({
    name: 'f',
    language: 'sql',
    originalFilePath: 'functions/f.sql',
    config: { type: 'scalar' },
    relation: { schema: 's', identifier: 'f' },
    arguments: args.map(([name, dataType]) => ({ name, dataType, description: '' })),
    returns: returns ? { dataType: returns, description: '' } : undefined,
  }) as unknown as FunctionNode;

describe("a function's typed arguments (execute/run-function.ts)", () => {
  it('casts each bare reference of an argument to its data_type (Nullable exactly when the value is); an integer with accurateCast', () => {
    expect(createFunctionSql(fn([['d', 'date'], ['n', 'integer']], 'date'), 'SELECT addDays(d, n) + n')).toBe(
      "CREATE OR REPLACE FUNCTION `f` AS (`d`, `n`) -> CAST((addDays(CAST(d, if(isNullable(d), 'Nullable(Date32)', 'Date32')), accurateCast(n, if(isNullable(n), 'Nullable(integer)', 'integer'))) + accurateCast(n, if(isNullable(n), 'Nullable(integer)', 'integer'))), if(isNullable((addDays(CAST(d, if(isNullable(d), 'Nullable(Date32)', 'Date32')), accurateCast(n, if(isNullable(n), 'Nullable(integer)', 'integer'))) + accurateCast(n, if(isNullable(n), 'Nullable(integer)', 'integer')))), 'Nullable(Date32)', 'Date32'))",
    );
  });

  it('leaves what ClickHouse does not substitute: qualified names, calls, aliases, lambda parameters, strings, comments, longer words', () => {
    const sql = createFunctionSql(fn([['x', 'String']], 'String'), "(SELECT t.x, x(1), 1 AS x, arrayMap(x -> 1, [1]), 'x', xy, x_1 -- x\n FROM t WHERE id = x)");
    expect(sql).toBe("CREATE OR REPLACE FUNCTION `f` AS (`x`) -> CAST(((SELECT t.x, x(1), 1 AS x, arrayMap(x -> 1, [1]), 'x', xy, x_1 -- x\n FROM t WHERE id = CAST(x, if(isNullable(x), 'Nullable(String)', 'String')))), if(isNullable(((SELECT t.x, x(1), 1 AS x, arrayMap(x -> 1, [1]), 'x', xy, x_1 -- x\n FROM t WHERE id = CAST(x, if(isNullable(x), 'Nullable(String)', 'String'))))), 'Nullable(String)', 'String'))");
  });

  it('a timestamp argument or return type is a DateTime64(0) under dbt_semantics, which keeps times before 1970 (float-casts.ts)', () => {
    expect(createFunctionSql(fn([['t', 'timestamp']], 'timestamp'), 'SELECT t')).toBe(
      "CREATE OR REPLACE FUNCTION `f` AS (`t`) -> CAST((CAST(t, if(isNullable(t), 'Nullable(DateTime64(0))', 'DateTime64(0)'))), if(isNullable((CAST(t, if(isNullable(t), 'Nullable(DateTime64(0))', 'DateTime64(0)')))), 'Nullable(DateTime64(0))', 'DateTime64(0)'))",
    );
  });

  it('a function without a return type is an error naming its file (dbt requires returns.data_type)', () => {
    expect(() => createFunctionSql(fn([['v', 'float']]), 'SELECT v * 2')).toThrow("Function 'f' has no return type: dbt requires returns.data_type for every function");
  });

  it('an argument without a data_type is read as passed', () => {
    expect(createFunctionSql(fn([['v', '']], 'float'), 'SELECT v * 2')).toBe("CREATE OR REPLACE FUNCTION `f` AS (`v`) -> CAST((v * 2), if(isNullable((v * 2)), 'Nullable(Float64)', 'Float64'))");
  });
});
