import { describe, expect, it } from 'vitest';
import { tryStaticRender } from '../../../packages/core/src/load/static-parser.js';
import { Renderer } from '../../../packages/core/src/render/renderer.js';
import { newRenderState } from '../../../packages/core/src/render/render-state.js';

const renderer = new Renderer(
  { projectName: 'p', vars: {}, target: { name: 'dev', schema: 'analytics' }, flags: {}, invocationId: 'x', env: {}, onLog: () => {} },
  [],
);

const node = { uniqueId: 'model.p.m', name: 'm', resourceType: 'model', packageName: 'p', originalFilePath: 'models/m.sql', fqn: ['p', 'm'], baseConfig: {} };

function both(source: string) {
  const fast = newRenderState({ mode: 'parse', node });
  const slow = newRenderState({ mode: 'parse', node });
  const fastOut = tryStaticRender(source, fast);
  const slowOut = renderer.renderString(source, 'models/m.sql', slow);
  return { fastOut, slowOut, fast, slow };
}

describe('static parser', () => {
  const handled = [
    "{{ config(materialized='table', tags=['a', \"b\"], order_by='id', enabled=True, meta={'owner': 'x'}) }}\nselect * from {{ ref('a') }}\n",
    "select 1 from {{ ref('pkg', 'a') }} join {{ source('raw', 'orders') }} using id",
    "{{- config(materialized = 'view') -}}\n\n  select {{ ref(\"x\") }}.id\n",
    "{{ config({'materialized': 'incremental', 'unique_key': ['a', 'b']}) }} select 1\n\n",
    'select 1',
    "{{ config(limit=10, severity='warn', full_refresh=False, x=None, ratio=0.5, n=-3) }}select 1",
    // dbt 1.5 pinned model versions
    "select * from {{ ref('dim', v=2) }} join {{ ref('pkg', 'dim', version='1') }} using id",
  ];
  for (const source of handled)
    it(`renders like nunjucks: ${JSON.stringify(source.slice(0, 40))}`, () => {
      const { fastOut, slowOut, fast, slow } = both(source);
      expect(fastOut).toBe(slowOut);
      expect(fast.refs).toEqual(slow.refs);
      expect(fast.sources).toEqual(slow.sources);
      expect(fast.configCalls).toEqual(slow.configCalls);
    });

  const declined = [
    "{% if true %}select 1{% endif %}",
    "select {{ var('x') }}",
    "select * from {{ ref(model_name) }}",
    "{# comment #} select 1",
    "select * from {{ ref('a') ~ '_x' }}",
    "{{ config(materialized='ta\\nble') }}",
  ];
  for (const source of declined)
    it(`leaves anything else to nunjucks: ${JSON.stringify(source)}`, () => {
      const state = newRenderState({ mode: 'parse', node });
      expect(tryStaticRender(source, state)).toBeUndefined();
      expect(state.refs).toEqual([]);
      expect(state.configCalls).toEqual([]);
    });
});
