import { describe, expect, it } from 'vitest';
import { staticConfigCall } from '../../../packages/core/src/state/config-call-text.js';

describe('staticConfigCall (dbt statically_parse_unrendered_config)', () => {
  it('the keyword arguments of the first config() call, as written', () => {
    expect(staticConfigCall("{{ config(materialized=var('x'), tags=['a', 'b,c'], alias = ('t' if execute else 'v')) }}\nselect 1")).toEqual({
      materialized: "var('x')",
      tags: "['a', 'b,c']",
      alias: "('t' if execute else 'v')",
    });
    expect(staticConfigCall('{{ config(\n    materialized = (\'view\'   if execute else \'table\')\n) }}')).toEqual({ materialized: "('view' if execute else 'table')" });
  });

  it('none without a call, or with a dict argument only; not a method named config', () => {
    expect(staticConfigCall('select 1 as id')).toBeUndefined();
    expect(staticConfigCall("{{ config({'materialized': 'table'}) }}")).toBeUndefined();
    expect(staticConfigCall("{{ model.config(x=1) }}")).toBeUndefined();
  });
});
