import { afterAll, beforeAll, describe, it } from 'vitest';
import { faultCases } from '../fault/cases.js';
import { FaultHarness, formatCounts, type CaseCounts, type Warehouse } from '../fault/harness.js';
import { serverProfile, SKIP_SERVER_TESTS, startClickHouseServer, type ClickHouseServer } from './clickhouse-server.js';

/* The fault-injection harness (test/fault/) on a real 18.16 server: Ordinary databases, rename swaps, no SYNC, old ALTERs. */
describe.skipIf(SKIP_SERVER_TESTS)('fault injection (clickhouse-server)', () => {
  let server: ClickHouseServer;
  let harness: FaultHarness;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    server = await startClickHouseServer();
    const query = async <T,>(sql: string): Promise<T[]> => {
      const reads = /^\s*(select|describe)/i.test(sql);
      const text = await server.query(reads ? `${sql} FORMAT JSONEachRow` : sql);
      return reads ? text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T) : [];
    };
    const warehouse: Warehouse = {
      kind: 'server',
      profile: (schema) => serverProfile({ name: 'fault', port: server.port, schema, threads: 1 }),
      query,
      dropSchema: async (schema) => void (await query(`DROP DATABASE IF EXISTS \`${schema}\``)),
    };
    harness = new FaultHarness(warehouse);
  });
  afterAll(async () => {
    console.log(formatCounts(`clickhouse-server ${server?.version}`, counts));
    harness?.cleanup();
    await server?.stop();
  });

  // The strategies that lost rows on this server before are faulted at every statement; the other
  // cases at every statement that writes (dying after a read leaves what dying after the write
  // before it left), to keep the suite's time in check.
  // The carry after a rebuild's swap: one INSERT done once on this server (copy-carry.ts carryOnce), faulted at every statement.
  const EVERY_STATEMENT = new Set([
    'incremental: delete+insert',
    'incremental: delete+insert, partitioned',
    'incremental: insert_overwrite',
    'incremental: append',
    'incremental: rebuild for a new column, a row committed into the old table after the swap (carried)',
  ]);
  for (const [i, c] of faultCases().entries())
    if (!c.on || c.on.includes('server'))
      for (let part = 0; part < (c.parts ?? 1); part++)
        it(`${c.name}${c.parts ? ` (part ${part + 1} of ${c.parts})` : ''}: old or new rows whatever statement fails or is the last`, async () => {
          counts.push(await harness.run(c, `fault_${i}_${part}`, { ks: EVERY_STATEMENT.has(c.name) ? 'all' : 'writes', part: c.parts ? [part, c.parts] : undefined }));
        }, 600_000);

  it('incremental: delete+insert, a real tsdbt process SIGKILLed right after each statement: old or new rows', async () => {
    const c = faultCases().find((x) => x.name === 'incremental: delete+insert')!;
    counts.push(await harness.run({ ...c, name: `${c.name} (real kill -9)` }, 'fault_kill', { modes: ['kill'] }));
  }, 600_000);
});
