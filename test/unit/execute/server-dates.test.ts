// execute/dbt-semantics/server-dates.ts: SQL's date / timestamp stay ClickHouse's Date / DateTime on a server without Date32.
import { describe, expect, it } from 'vitest';
import { withDbtSemanticsRewrites } from '../../../packages/core/src/execute/dbt-semantics/chain.js';
import { probeWideDates } from '../../../packages/core/src/execute/dbt-semantics/server-dates.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = { resourceType: 'model', config: {} } as unknown as ManifestNode;
const SQL = "select cast(x as date) as d, cast(y as timestamp) as t, date(z) as z, cast(w as float) as f from s";
const server = (date32: boolean | Error) => ({ hasTypeFamily: async (name: string) => (date32 instanceof Error ? Promise.reject(date32) : name === 'Date32' && date32) });

describe('dbt_semantics dates on the server that runs them (server-dates.ts)', () => {
  it('a server without Date32: Date, DateTime and toDate(x); the other casts as before', async () => {
    const adapter = server(false);
    await probeWideDates(adapter);
    expect(withDbtSemanticsRewrites(model, SQL, { adapter, userFunctions: new Set() })).toBe(
      'select cast(x as date) as d, cast(y as timestamp) as t, toDate(z) as z, cast(w as Float64) as f from s',
    );
  });

  it('a server with Date32, one not asked yet, or one whose probe failed: Date32 and DateTime64(0)', async () => {
    const modern = server(true);
    await probeWideDates(modern);
    const failed = server(new Error('connection reset'));
    await probeWideDates(failed);
    for (const adapter of [modern, server(false), failed]) {
      const out = withDbtSemanticsRewrites(model, SQL, { adapter, userFunctions: new Set() });
      expect(out).toContain('cast(x as Date32) as d, cast(y as DateTime64(0)) as t');
      expect(out).not.toContain('toDate(z)');
    }
  });
});
