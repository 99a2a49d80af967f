import { describe, expect, it } from 'vitest';
import { toWarehouseError } from '../../../packages/core/src/adapter/warehouse-errors.js';

describe('toWarehouseError', () => {
  it("says how to break ClickHouse's false view cycle (a CTE taken for a relation) that refuses every RENAME", () => {
    const message = "Cannot rename 'default.subscription_periods' to 'default.subscription_periods__tsdbt_backup_x', because it will lead to cyclic dependencies: default.customer_churn_month -> [default.mrr]; default.mrr -> [default.customer_churn_month].";
    const error = toWarehouseError({ code: '269', type: 'INFINITE_LOOP', message }, { type: 'chdb', path: '/tmp/w' } as never, 'RENAME TABLE …');
    expect(error.message).toContain(`Code: 269. INFINITE_LOOP: ${message}`);
    expect(error.message).toContain('`tsdbt run --select customer_churn_month mrr`');
    expect(toWarehouseError({ code: '60', type: 'UNKNOWN_TABLE', message: 'Table default.x does not exist' }, { type: 'chdb', path: '/tmp/w' } as never, '').message)
      .toBe('Code: 60. UNKNOWN_TABLE: Table default.x does not exist');
  });
});
