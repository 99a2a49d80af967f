import { afterAll, beforeAll, describe, it } from 'vitest';
import { faultCases, nativeCases } from './cases.js';
import { embeddedHarness } from './embedded-warehouse.js';
import { formatCounts, type CaseCounts, type FaultHarness } from './harness.js';

/*
 * Lost answers on the embedded engine: each statement that writes runs to its end and then the
 * caller gets an error, as when a connection drops after the server did the work. Whatever tsdbt
 * then does (give up, retry, clean up), the targets hold the old rows or the new ones: a retry of a
 * statement that already wrote would count its rows twice (a microbatch batch did, before 0c19883).
 * The plain cases and microbatch's (where tsdbt retries a batch).
 */
describe('fault injection: lost answers (embedded)', () => {
  let h: { harness: FaultHarness; close: () => Promise<void> } | undefined;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    h = await embeddedHarness();
  });
  afterAll(async () => {
    console.log(formatCounts('embedded chDB, lost answers', counts));
    await h?.close();
  });

  const native = new Set(nativeCases().map((c) => c.name));
  // (The cases with another writer or sized statements, test/fault/cases.ts, are not run with lost answers yet.)
  const cases = [...faultCases().filter((c) => !native.has(c.name) && !c.writer && !c.settings), ...nativeCases().filter((c) => c.name.startsWith('microbatch'))];
  for (const [i, c] of cases.entries())
    if (!c.on || c.on.includes('embedded'))
      it(`${c.name}: old or new rows whatever statement's answer is lost`, async () => {
        counts.push(await h!.harness.run(c, `fault_lost_${process.pid}_${i}`, { ks: 'writes', modes: ['lost'] }));
      }, 600_000);
});
