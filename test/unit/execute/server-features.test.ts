// execute/dbt-semantics/server-features.ts: on a server without Date32, Decimal256 or sign() (the 18.x line) the rewrites write what it has.
import { describe, expect, it } from 'vitest';
import { withDbtSemanticsRewrites } from '../../../packages/core/src/execute/dbt-semantics/chain.js';
import { probeServerFeatures } from '../../../packages/core/src/execute/dbt-semantics/server-features.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = { resourceType: 'model', config: {} } as unknown as ManifestNode;
const SQL = 'select cast(x as date) as d, cast(y as timestamp) as t, date(z) as z, cast(w as float) as f from s';
/** A server with the given type families and functions; an Error: every probe fails. */
const server = (has: readonly string[] | Error) => {
  const answer = async (name: string) => (has instanceof Error ? Promise.reject(has) : has.includes(name));
  return { hasTypeFamily: answer, hasFunction: answer };
};
const MODERN = ['Date32', 'Decimal256', 'sign'];

describe('dbt_semantics rewrites on the server that runs them (server-features.ts)', () => {
  it('a server without Date32: Date, DateTime and toDate(x); the other casts as before', async () => {
    const adapter = server(['Decimal256', 'sign']);
    await probeServerFeatures(adapter);
    expect(withDbtSemanticsRewrites(model, SQL, { adapter, userFunctions: new Set() })).toBe(
      'select cast(x as date) as d, cast(y as timestamp) as t, toDate(z) as z, cast(w as Float64) as f from s',
    );
  });

  it('a server with Date32, one not asked yet, or one whose probe failed: Date32 and DateTime64(0)', async () => {
    const modern = server(MODERN);
    await probeServerFeatures(modern);
    const failed = server(new Error('connection reset'));
    await probeServerFeatures(failed);
    for (const adapter of [modern, server([]), failed]) {
      const out = withDbtSemanticsRewrites(model, SQL, { adapter, userFunctions: new Set() });
      expect(out).toContain('cast(x as Date32) as d, cast(y as DateTime64(0)) as t');
      expect(out).not.toContain('toDate(z)');
    }
  });

  it('numeric without precision: Decimal(76, 10) where the server has Decimal256, Decimal(38, 10) where it has not', async () => {
    const sql = 'select cast(a as numeric) as n, b::decimal as d, cast(c as numeric(12, 2)) as p from s';
    const modern = server(MODERN);
    const old = server(['Date32', 'sign']);
    await Promise.all([probeServerFeatures(modern), probeServerFeatures(old)]);
    expect(withDbtSemanticsRewrites(model, sql, { adapter: modern, userFunctions: new Set() })).toBe(
      'select cast(a as Decimal(76, 10)) as n, b::Decimal(76, 10) as d, cast(c as numeric(12, 2)) as p from s',
    );
    expect(withDbtSemanticsRewrites(model, sql, { adapter: old, userFunctions: new Set() })).toBe(
      'select cast(a as Decimal(38, 10)) as n, b::Decimal(38, 10) as d, cast(c as numeric(12, 2)) as p from s',
    );
  });

  it("round(): a float's tie away from zero where the server has sign(), ClickHouse's round where it has not", async () => {
    const sql = 'select round(x, 2) as r from s';
    const modern = server(MODERN);
    const old = server(['Date32', 'Decimal256']);
    await Promise.all([probeServerFeatures(modern), probeServerFeatures(old)]);
    expect(withDbtSemanticsRewrites(model, sql, { adapter: modern, userFunctions: new Set() })).toContain('sign(toFloat64((x)))');
    expect(withDbtSemanticsRewrites(model, sql, { adapter: old, userFunctions: new Set() })).toBe(sql);
  });

  it('an adapter without the probes (a test double) keeps every modern rewrite', async () => {
    const adapter = { hasSetting: async () => true };
    await probeServerFeatures(adapter);
    const out = withDbtSemanticsRewrites(model, 'select round(x) as r, cast(a as numeric) as n, cast(d as date) as d from s', { adapter, userFunctions: new Set() });
    expect(out).toContain('Decimal(76, 10)');
    expect(out).toContain('Date32');
    expect(out).toContain('sign(');
  });
});
