import { describe, expect, it } from 'vitest';
import { usingRefusal, withUsingKeyCast } from '../../../packages/core/src/execute/dbt-semantics/using-key-types.js';
import { dbtSupertype } from '../../../packages/core/src/execute/dbt-semantics/common-types.js';

const refusal = (kind: string, left: string, right: string, key = 'k') =>
  usingRefusal(`Code: 386. DB::Exception: JOIN  ${kind} ... USING (${key}) cannot infer common type for ${left} and ${right} in USING for identifier '${key}'. In scope SELECT … (NO_COMMON_TYPE)`)!;

describe('a JOIN … USING key without a common type (execute/dbt-semantics/using-key-types.ts)', () => {
  it("reads ClickHouse's refusal: the join's kind, the key, the left and right types", () => {
    expect(refusal('LEFT JOIN', 'Int64', 'UInt64')).toEqual({ kind: 'LEFT', key: 'k', left: 'Int64', right: 'UInt64' });
    expect(refusal('FULL OUTER JOIN', 'Date', 'Nullable(String)', 'day')).toEqual({ kind: 'FULL OUTER', key: 'day', left: 'Date', right: 'Nullable(String)' });
    expect(usingRefusal('Code: 386. There is no supertype for types Int64, Float64')).toBeUndefined();
  });

  it('reads the side whose key is not dbt\'s type through a SELECT casting it: the joined relation, or the first relation of the FROM', () => {
    expect(withUsingKeyCast('select * from `db`.`ids` i left join `db`.`ranked` as r using (k) where x', refusal('LEFT JOIN', 'Int64', 'UInt64'), dbtSupertype)).toBe(
      "select * from `db`.`ids` i left join (SELECT * REPLACE (CAST(`k`, 'Int64') AS `k`) FROM `db`.`ranked`) AS r using (k) where x",
    );
    // the left side: the FROM's relation (a table without an alias keeps its name)
    expect(withUsingKeyCast('select * from db.ranked join db.ids using (id, k)', refusal('INNER JOIN', 'UInt64', 'Int64'), dbtSupertype)).toBe(
      "select * from (SELECT * REPLACE (CAST(`k`, 'Int64') AS `k`) FROM db.ranked) AS ranked join db.ids using (id, k)",
    );
    // a subquery with an alias; the join of the refused kind is the one cast
    expect(withUsingKeyCast("select * from a join b using (k) left join (select '2024-01-01' as k) as t using (k)", refusal('LEFT JOIN', 'Date', 'String'), dbtSupertype)).toBe(
      "select * from a join b using (k) left join (SELECT * REPLACE (CAST(`k`, 'Date') AS `k`) FROM (select '2024-01-01' as k)) AS t using (k)",
    );
  });

  it('leaves the query alone when dbt has no such type, or the left side is fed by an earlier join', () => {
    expect(withUsingKeyCast('select * from a join b using (k)', refusal('INNER JOIN', 'UInt8', 'String'), dbtSupertype)).toBeUndefined();
    expect(withUsingKeyCast('select * from a join b using (x) join c using (k)', refusal('INNER JOIN', 'UInt64', 'Int64'), dbtSupertype)).toBeUndefined();
    expect(withUsingKeyCast('select * from a final join b using (k)', refusal('INNER JOIN', 'UInt64', 'Int64'), dbtSupertype)).toBeUndefined();
  });
});
