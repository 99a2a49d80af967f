// execute/dbt-semantics/exists-unions.ts: EXISTS over a UNION as an OR of EXISTS (ClickHouse 26.7 cannot decorrelate a correlated UNION).
import { describe, expect, it } from 'vitest';
import { withExistsUnionsSplit } from '../../../packages/core/src/execute/dbt-semantics/exists-unions.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = (config: Record<string, unknown> = {}) => ({ resourceType: 'model', config }) as unknown as ManifestNode;

describe('withExistsUnionsSplit', () => {
  it('splits an EXISTS over UNION / UNION DISTINCT / UNION ALL into one EXISTS per branch, NOT EXISTS and nested ones too', () => {
    expect(withExistsUnionsSplit(model(), 'select * from t where exists (select 1 from a where a.k = t.k union select 1 from b where b.k = t.k)')).toBe(
      'select * from t where (EXISTS (select 1 from a where a.k = t.k) OR EXISTS (select 1 from b where b.k = t.k))',
    );
    expect(withExistsUnionsSplit(model(), 'select * from t where not exists(\n(select x as y from a where a.k = t.k) UNION DISTINCT (select x from b) union all select 1 from c\n)')).toBe(
      'select * from t where not (EXISTS ((select x as y from a where a.k = t.k)) OR EXISTS ((select x from b)) OR EXISTS (select 1 from c))',
    );
    expect(withExistsUnionsSplit(model(), "select 'exists (select 1 union select 2)' as s, exists (select 1 from a where exists (select 1 union select 2) union select 2) as e")).toBe(
      "select 'exists (select 1 union select 2)' as s, (EXISTS (select 1 from a where (EXISTS (select 1) OR EXISTS (select 2))) OR EXISTS (select 2)) as e",
    );
  });

  it('leaves an EXISTS without a union of its own, with a WITH, EXCEPT/INTERSECT, LIMIT/OFFSET or SETTINGS at its level, and dbt_semantics: false', () => {
    for (const sql of [
      'select * from t where exists (select 1 from (select k from a union select k from b) u where u.k = t.k)',
      'select * from t where exists (with c as (select 1) select 1 from c union select 2)',
      'select * from t where exists (select k from a union select k from b except select k from c)',
      'select * from t where exists (select k from a where a.k = t.k union select k from b offset 1)',
      'select * from t where exists (select k from a union select k from b settings max_threads = 1)',
      'select * from t where exists (select 1) union select * from u',
      'select t.exists (select 1 union select 2)',
    ])
      expect(withExistsUnionsSplit(model(), sql)).toBe(sql);
    const sql = 'select * from t where exists (select 1 from a union select 1 from b)';
    expect(withExistsUnionsSplit(model({ dbt_semantics: false }), sql)).toBe(sql);
  });
});
