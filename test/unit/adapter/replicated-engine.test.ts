import { describe, expect, it } from 'vitest';
import { engineClause, replicatedEngine } from '../../../packages/core/src/adapter/table-ddl.js';

const rel = { schema: 'db', identifier: 't__tsdbt_tmp_abc' };
const path = "'/clickhouse/tables/{shard}/db/t__tsdbt_tmp_abc', '{replica}'";

describe('cluster mode: replicated engines', () => {
  it('turns MergeTree and its variants into their replicated form, keeping their arguments', () => {
    expect(replicatedEngine('MergeTree()', rel)).toBe(`ReplicatedMergeTree(${path})`);
    expect(replicatedEngine('MergeTree', rel)).toBe(`ReplicatedMergeTree(${path})`);
    expect(replicatedEngine('ReplacingMergeTree(ver)', rel)).toBe(`ReplicatedReplacingMergeTree(${path}, ver)`);
    expect(replicatedEngine(' SummingMergeTree((a, b)) ', rel)).toBe(`ReplicatedSummingMergeTree(${path}, (a, b))`);
  });

  it('leaves replicated and non-MergeTree engines as written', () => {
    expect(replicatedEngine("ReplicatedMergeTree('/p/{shard}', '{replica}')", rel)).toBe("ReplicatedMergeTree('/p/{shard}', '{replica}')");
    expect(replicatedEngine('Memory', rel)).toBe('Memory');
    expect(replicatedEngine('Log()', rel)).toBe('Log()');
  });

  it('engineClause replicates only when given the relation (single node unchanged)', () => {
    // dbt-clickhouse's replicated_deduplication_window = 0 on every MergeTree (table-ddl.ts withDedupWindow).
    expect(engineClause({ order_by: 'id' } as never)).toBe('ENGINE = MergeTree()\nORDER BY id\nSETTINGS replicated_deduplication_window = 0');
    expect(engineClause({ order_by: 'id' } as never, rel)).toBe(`ENGINE = ReplicatedMergeTree(${path})\nORDER BY id\nSETTINGS replicated_deduplication_window = 0`);
    expect(engineClause({ order_by: 'id', settings: { replicated_deduplication_window: 100 } } as never)).toBe('ENGINE = MergeTree()\nORDER BY id\nSETTINGS replicated_deduplication_window = 100');
    expect(engineClause({ engine: 'Memory' } as never)).toBe('ENGINE = Memory');
  });
});
