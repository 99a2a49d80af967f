import { afterAll, beforeAll, describe, it } from 'vitest';
import { faultCases, nativeCases } from './cases.js';
import { embeddedHarness } from './embedded-warehouse.js';
import { formatCounts, type CaseCounts, type FaultHarness } from './harness.js';

/* The fault-injection harness on the embedded engine (chDB): every case, every statement (the ClickHouse-native ones: embedded-native.test.ts). */
describe('fault injection (embedded)', () => {
  let h: { harness: FaultHarness; close: () => Promise<void> } | undefined;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    h = await embeddedHarness();
  });
  afterAll(async () => {
    console.log(formatCounts('embedded chDB', counts));
    await h?.close();
  });

  const native = new Set(nativeCases().map((c) => c.name));
  for (const [i, c] of faultCases().entries())
    if ((!c.on || c.on.includes('embedded')) && !native.has(c.name))
      for (let part = 0; part < (c.parts ?? 1); part++)
        it(`${c.name}${c.parts ? ` (part ${part + 1} of ${c.parts})` : ''}: old or new rows whatever statement fails or is the last`, async () => {
          counts.push(await h!.harness.run(c, `fault_${process.pid}_${i}_${part}`, { ks: c.ks, part: c.parts ? [part, c.parts] : undefined }));
        }, c.parts ? 1_200_000 : 600_000); // a part of a long case: ~600 s under load ~60 (measured), so twice that
});
