// execute/dbt-semantics/union-limit.ts: a trailing LIMIT after a top-level UNION limits the whole union (Postgres, Snowflake…), not ClickHouse's last branch.
import { describe, expect, it } from 'vitest';
import { withWholeUnionLimit } from '../../../packages/core/src/execute/dbt-semantics/union-limit.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = (config: Record<string, unknown> = {}) => ({ resourceType: 'model', config }) as unknown as ManifestNode;

describe('withWholeUnionLimit', () => {
  it('reads the set operation as a subquery when a LIMIT/OFFSET follows its last branch at the top level', () => {
    expect(withWholeUnionLimit(model(), 'select a from t union all select b from u order by 1 limit 3')).toBe('SELECT * FROM (\nselect a from t union all select b from u\n)\norder by 1 limit 3');
    expect(withWholeUnionLimit(model(), 'with x as (select 1 as a) select a from x\nUNION DISTINCT\nselect 2 limit 1 offset 1')).toBe(
      'SELECT * FROM (\nwith x as (select 1 as a) select a from x\nUNION DISTINCT\nselect 2\n)\nlimit 1 offset 1',
    );
  });

  it('leaves a branch\'s own limit, ORDER BY alone, LIMIT … BY, SETTINGS, strings, subqueries and dbt_semantics: false', () => {
    for (const sql of [
      'select a from t union all select b from (select b from u limit 3)',
      'select a from t union all select b from u order by 1',
      'select a from t union all select b from u limit 1 by b',
      'select a from t union all select b from u limit 3 settings max_threads = 1',
      "select 'union' as a limit 3",
      'select a from (select a from t union all select b from u) limit 3',
      'select a from t limit 3',
    ])
      expect(withWholeUnionLimit(model(), sql)).toBe(sql);
    expect(withWholeUnionLimit(model({ dbt_semantics: false }), 'select 1 union all select 2 limit 1')).toBe('select 1 union all select 2 limit 1');
  });
});
