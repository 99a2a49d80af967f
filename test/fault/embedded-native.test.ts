import { afterAll, beforeAll, describe, it } from 'vitest';
import { nativeCases } from './cases.js';
import { embeddedHarness } from './embedded-warehouse.js';
import { formatCounts, type CaseCounts, type FaultHarness } from './harness.js';

/* The fault-injection harness on the embedded engine for materialized views, refreshable views, dictionaries and microbatch: every statement. */
describe('fault injection, ClickHouse-native materializations (embedded)', () => {
  let h: { harness: FaultHarness; close: () => Promise<void> } | undefined;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    h = await embeddedHarness();
  });
  afterAll(async () => {
    console.log(formatCounts('embedded chDB, ClickHouse-native', counts));
    await h?.close();
  });

  for (const [i, c] of nativeCases().entries())
    if (!c.on || c.on.includes('embedded'))
      for (let part = 0; part < (c.parts ?? 1); part++)
        it(`${c.name}${c.parts ? ` (part ${part + 1} of ${c.parts})` : ''}: old or new rows whatever statement fails or is the last`, async () => {
          counts.push(await h!.harness.run(c, `fault_native_${process.pid}_${i}_${part}`, { ks: c.ks, part: c.parts ? [part, c.parts] : undefined }));
        }, 1_800_000);
});
