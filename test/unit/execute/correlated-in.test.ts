// execute/dbt-semantics/correlated-in.ts: `x IN (correlated subquery)` as an EXISTS (ClickHouse 26.7 refuses a correlated IN).
import { describe, expect, it } from 'vitest';
import { withCorrelatedInAsExists } from '../../../packages/core/src/execute/dbt-semantics/correlated-in.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = (config: Record<string, unknown> = {}) => ({ resourceType: 'model', config }) as unknown as ManifestNode;

describe('withCorrelatedInAsExists', () => {
  it('rewrites an IN whose subquery names an outer table or alias, after WHERE / AND / ON, as SQL\'s three-valued IN', () => {
    expect(withCorrelatedInAsExists(model(), 'select a.x from t a where a.x in (select b.n from numbers(4) b where b.n % 2 = a.k)')).toBe(
      'select a.x from t a where multiIf(EXISTS (SELECT 1 FROM (select b.n from numbers(4) b where b.n % 2 = a.k) AS __tsdbt_in WHERE __tsdbt_in.* = (a.x)), 1, ((a.x) IS NULL AND EXISTS (SELECT 1 FROM (select b.n from numbers(4) b where b.n % 2 = a.k) AS __tsdbt_in) OR EXISTS (SELECT 1 FROM (select b.n from numbers(4) b where b.n % 2 = a.k) AS __tsdbt_in WHERE __tsdbt_in.* IS NULL)), NULL, 0)',
    );
    expect(withCorrelatedInAsExists(model(), 'select a.x from t a join s on s.id = a.id and s.v IN ( SELECT u.v from u where u.k = a.k)')).toBe(
      'select a.x from t a join s on s.id = a.id and multiIf(EXISTS (SELECT 1 FROM (SELECT u.v from u where u.k = a.k) AS __tsdbt_in WHERE __tsdbt_in.* = (s.v)), 1, ((s.v) IS NULL AND EXISTS (SELECT 1 FROM (SELECT u.v from u where u.k = a.k) AS __tsdbt_in) OR EXISTS (SELECT 1 FROM (SELECT u.v from u where u.k = a.k) AS __tsdbt_in WHERE __tsdbt_in.* IS NULL)), NULL, 0)',
    );
  });

  it('a subquery that starts with WITH: correlated when a CTE of it reads the outer query', () => {
    const sub = 'with s as (select u.k from u where u.j = a.j) select s.k from s';
    expect(withCorrelatedInAsExists(model(), `select a.x from t a where a.k in (${sub})`)).toBe(
      `select a.x from t a where multiIf(EXISTS (SELECT 1 FROM (${sub}) AS __tsdbt_in WHERE __tsdbt_in.* = (a.k)), 1, ((a.k) IS NULL AND EXISTS (SELECT 1 FROM (${sub}) AS __tsdbt_in) OR EXISTS (SELECT 1 FROM (${sub}) AS __tsdbt_in WHERE __tsdbt_in.* IS NULL)), NULL, 0)`,
    );
    const own = 'select a.x from t a where a.k in (with s as (select u.k from u) select s.k from s)';
    expect(withCorrelatedInAsExists(model(), own)).toBe(own);
  });

  it('a correlated NOT IN as SQL\'s three-valued NOT IN: false on an equal value, else NULL with a NULL value or x (and a value), else true', () => {
    expect(withCorrelatedInAsExists(model(), 'select a.x from t a where a.x NOT  IN (select u.y from u where u.k = a.k)')).toBe(
      'select a.x from t a where multiIf(EXISTS (SELECT 1 FROM (select u.y from u where u.k = a.k) AS __tsdbt_in WHERE __tsdbt_in.* = (a.x)), 0, ((a.x) IS NULL AND EXISTS (SELECT 1 FROM (select u.y from u where u.k = a.k) AS __tsdbt_in) OR EXISTS (SELECT 1 FROM (select u.y from u where u.k = a.k) AS __tsdbt_in WHERE __tsdbt_in.* IS NULL)), NULL, 1)',
    );
  });

  it('leaves an uncorrelated IN or NOT IN (own tables, `db`.`t` as u), NOT x IN, a tuple, a part of an expression, GLOBAL IN, dbt_semantics: false', () => {
    for (const sql of [
      'select a.x from t a where a.x in (select y from u)',
      'select a.x from t a where a.x in (select u.y from `db`.`u` as u where u.k = 1)',
      'select a.x from t a where a.x not in (select u.y from u where u.k = 1)',
      'select a.x from t a where a.x in (select u.y from db.u where u.k = 1)',
      'select a.x from t a where not a.x in (select u.y from u where u.k = a.k)',
      'select a.x from t a where (a.x, a.y) in (select u.y, u.z from u where u.k = a.k)',
      'select a.x from t a where a.x + 1 in (select u.y from u where u.k = a.k)',
      'select a.x from t a where a.x global in (select u.y from u where u.k = a.k)',
      "select a.x from t a where a.x in (select u.y from u where u.k = 'a.k')",
    ])
      expect(withCorrelatedInAsExists(model(), sql)).toBe(sql);
    const sql = 'select a.x from t a where a.x in (select u.y from u where u.k = a.k)';
    expect(withCorrelatedInAsExists(model({ dbt_semantics: false }), sql)).toBe(sql);
  });
});
