import { describe, expect, it } from 'vitest';
import { createPrinter } from '../../../packages/cli/src/printer/console-printer.js';
import type { NodeResult } from '../../../packages/core/src/index.js';

/* dbt's SkippingDetails (events/types.py): `SKIP relation <schema>.<name>` for a model, seed or snapshot, else `SKIP <resource type> <name>`. */
describe('the line of a skipped node', () => {
  const skipped = (node: Record<string, unknown>): string => {
    const out: string[] = [];
    const print = createPrinter({ color: false, json: false, write: (l) => out.push(l) });
    const result = { uniqueId: `x.${String(node.name)}`, node, status: 'skipped', message: 'skipped', warnings: [], executionTime: 0, timing: [] } as unknown as NodeResult;
    print({ type: 'node_finished', result, index: 2, total: 5 });
    return out.join('\n').replace(/^\S+\s+/, '').replace(/ \.+ /, ' ');
  };
  const relation = { database: '', schema: 'marts', identifier: 'orders_alias' };

  it('names a model, seed or snapshot by schema and name', () => {
    for (const resourceType of ['model', 'seed', 'snapshot'])
      expect(skipped({ resourceType, name: 'orders', relation, config: { materialized: 'table' } })).toBe('2 of 5 SKIP relation marts.orders [SKIP]');
  });

  it('names any other node by its resource type and name', () => {
    expect(skipped({ resourceType: 'test', name: 'not_null_orders_id', relation })).toBe('2 of 5 SKIP test not_null_orders_id [SKIP]');
    expect(skipped({ resourceType: 'exposure', name: 'dash' })).toBe('2 of 5 SKIP exposure dash [SKIP]');
  });
});
