import { describe, expect, it } from 'vitest';
import { isJoinOrderError } from '../../../packages/core/src/execute/dbt-semantics/join-order-fallback.js';

describe('isJoinOrderError (a node run again with the join-order optimizer off)', () => {
  it("knows the optimizer's LOGICAL_ERRORs that a run without it avoids, and nothing else", () => {
    expect(isJoinOrderError('Code: 49. DB::Exception: Left and right columns have same names: ... (LOGICAL_ERROR)')).toBe(true);
    // fivetran/dbt_netsuite v1.6.1 netsuite2__income_statement on 26.7; the same query with query_plan_optimize_join_order_limit = 0 runs.
    expect(isJoinOrderError('Code: 49. LOGICAL_ERROR: Cannot fold actions for projection. Node equals(__table23.source_relation, __table11.source_relation) requires input __table23.source_relation which does not belong to projection.')).toBe(true);
    expect(isJoinOrderError('Code: 47. UNKNOWN_IDENTIFIER: Unknown expression identifier `source_relation`')).toBe(false);
    expect(isJoinOrderError('Code: 49. LOGICAL_ERROR: Bad cast from type A to B')).toBe(false);
    expect(isJoinOrderError(undefined)).toBe(false);
  });
});
