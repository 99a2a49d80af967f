import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectAnalysis } from '../../packages/core/src/index.js';
import { openInstacart, type InstacartProject } from './instacart-project.js';

let ic: InstacartProject;
let analysis: ProjectAnalysis;

beforeAll(async () => {
  // A warehouse never built: source shapes come from sources.yml's data_type.
  ic = openInstacart('validate');
  analysis = await ic.project.validate();
});
afterAll(() => ic?.close());

describe('the reference project under tsdbt validate', () => {
  it('validates clean: every model, seed, source and test', () => {
    expect(analysis.issues).toEqual([]);
    expect([...analysis.nodes.values()].filter((n) => n.status !== 'valid').map((n) => n.uniqueId)).toEqual([]);
    expect(analysis.selected.filter((id) => id.startsWith('model.')).length).toBe(16);
    expect(analysis.selected.filter((id) => id.startsWith('test.')).length).toBeGreaterThan(100);
  });

  it('types every model column as the build does', () => {
    const fact = analysis.nodes.get('model.instacart.g2_v2_fact_orders_star')!;
    expect(fact.columns.slice(0, 4).map((c) => `${c.name} ${c.type}`)).toEqual([
      'order_id UInt32', 'user_id UInt32', 'order_number UInt16', 'days_since_prior_order Nullable(UInt16)',
    ]);
    for (const id of analysis.selected.filter((i) => i.startsWith('model.'))) expect(analysis.nodes.get(id)!.columns.length, id).toBeGreaterThan(0);
  });
});
