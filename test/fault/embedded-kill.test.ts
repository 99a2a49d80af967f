import { afterAll, beforeAll, describe, it } from 'vitest';
import { faultCases, nativeCases } from './cases.js';
import { embeddedHarness } from './embedded-warehouse.js';
import { formatCounts, type CaseCounts, type FaultHarness } from './harness.js';

/*
 * kill -9 of a real tsdbt process during a materialized view's or a dictionary's rebuild, an append
 * into a table views read, or a custom incremental strategy, on the embedded engine: this test
 * process holds the warehouse and the killed tsdbt process goes through it (as any second tsdbt
 * command does), so the warehouse outlives the kill as a server would, and
 * a statement in flight completes. After each kill the previous objects answer (old rows or new)
 * and the next run converges with nothing left behind. (In-process deaths: embedded-native.test.ts.)
 */
const KILLED = [
  'materialized view: rebuild for new columns',
  'materialized view into a table model: a view added with catchup',
  'refreshable view: rebuild for new columns',
  'dictionary: rebuild (CREATE OR REPLACE)',
  'incremental: append into a table a materialized view reads',
  'seed: reload into a seed a materialized view reads',
  'incremental: custom strategy (DELETE then INSERT), partitioned',
  "incremental: a project's clickhouse__incremental_delete_insert, partitioned",
];

describe('fault injection: a real tsdbt process SIGKILLed (embedded)', () => {
  let h: { harness: FaultHarness; close: () => Promise<void> } | undefined;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    h = await embeddedHarness();
  });
  afterAll(async () => {
    console.log(formatCounts('embedded chDB, real kill -9', counts));
    await h?.close();
  });

  for (const [i, name] of KILLED.entries())
    it(`${name}: the previous objects answer after kill -9 at any write, the next run converges`, async () => {
      const c = [...nativeCases(), ...faultCases()].find((x) => x.name === name);
      if (!c) throw new Error(`no fault case named ${name}`);
      counts.push(await h!.harness.run({ ...c, name: `${c.name} (real kill -9)` }, `fault_kill_${process.pid}_${i}`, { ks: 'writes', modes: ['kill'] }));
    }, 900_000);
});
