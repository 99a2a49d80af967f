import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TsdbtProject } from '../../packages/core/src/index.js';
import { inlineProject, WAREHOUSE_DIR, type InlineProject } from '../helpers/inline-project.js';
import { faultCases } from './cases.js';
import { FaultHarness, formatCounts, type CaseCounts, type Warehouse } from './harness.js';

/* The fault-injection harness on the embedded engine (chDB): every case, every statement. */
describe('fault injection (embedded)', () => {
  let inspector: { p: InlineProject; project: TsdbtProject };
  let harness: FaultHarness;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    const p = inlineProject({});
    inspector = { p, project: p.open() };
    const client = (await inspector.project.adapter()).client;
    const warehouse: Warehouse = {
      kind: 'embedded',
      profile: (schema) => `fault:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 1\n`,
      query: async <T,>(sql: string) => (/^\s*(select|describe)/i.test(sql) ? client.query<T>(sql) : (await client.command(sql), [] as T[])),
      dropSchema: (schema) => client.command(`DROP DATABASE IF EXISTS \`${schema}\` SYNC`),
    };
    harness = new FaultHarness(warehouse);
  });
  afterAll(async () => {
    console.log(formatCounts('embedded chDB', counts));
    harness?.cleanup();
    await inspector?.project.close();
    inspector?.p.cleanup();
  });

  for (const [i, c] of faultCases().entries())
    if (!c.on || c.on.includes('embedded'))
      it(`${c.name}: old or new rows whatever statement fails or is the last`, async () => {
        counts.push(await harness.run(c, `fault_${process.pid}_${i}`));
      }, 600_000);
});
