import { describe, expect, it } from 'vitest';
import { isNullableKeyError, withNullableKeys } from '../../../packages/core/src/execute/dbt-semantics/nullable-keys.js';
import type { ModelNode } from '../../../packages/core/src/manifest/nodes.js';

const model = (config: Record<string, unknown>) => ({ resourceType: 'model', name: 'm', config }) as unknown as ModelNode;

describe('nullable table keys (a model run again with allow_nullable_key)', () => {
  it("knows MergeTree's refusal of a Nullable key column when the server names the setting, and nothing else", () => {
    expect(isNullableKeyError('Code: 44. ILLEGAL_COLUMN: Sorting key contains nullable columns, but merge tree setting `allow_nullable_key` is disabled.')).toBe(true);
    expect(isNullableKeyError('Code: 44. DB::Exception: Partition key contains nullable columns, but merge tree setting `allow_nullable_key` is disabled. (ILLEGAL_COLUMN)')).toBe(true);
    expect(isNullableKeyError('Code: 44. ILLEGAL_COLUMN: Sorting key cannot contain nullable columns')).toBe(false);
    expect(isNullableKeyError('Code: 47. UNKNOWN_IDENTIFIER: Unknown expression identifier `k`')).toBe(false);
    expect(isNullableKeyError(undefined)).toBe(false);
  });

  it('adds the table setting to a MergeTree model only, never over its own value', () => {
    expect(withNullableKeys(model({ order_by: 'k' }))?.config.settings).toEqual({ allow_nullable_key: 1 });
    expect(withNullableKeys(model({ engine: 'ReplacingMergeTree(v)', settings: { index_granularity: 1024 } }))?.config.settings).toEqual({ index_granularity: 1024, allow_nullable_key: 1 });
    expect(withNullableKeys(model({ settings: { allow_nullable_key: 0 } }))).toBeUndefined();
    expect(withNullableKeys(model({ engine: 'Log' }))).toBeUndefined();
    expect(withNullableKeys({ ...model({}), resourceType: 'test' } as unknown as ModelNode)).toBeUndefined();
  });
});
