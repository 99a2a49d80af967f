import type { TsdbtProject } from '../../packages/core/src/index.js';
import { inlineProject, WAREHOUSE_DIR, type InlineProject } from '../helpers/inline-project.js';
import { FaultHarness, type Warehouse } from './harness.js';

/**
 * The fault harness on this test process's embedded warehouse. Opening it also shares it with other
 * tsdbt processes (`kill` mode's real processes go through it, as a second tsdbt command does).
 */
export async function embeddedHarness(): Promise<{ harness: FaultHarness; close: () => Promise<void> }> {
  const p: InlineProject = inlineProject({});
  const project: TsdbtProject = p.open();
  const client = (await project.adapter()).client;
  const warehouse: Warehouse = {
    kind: 'embedded',
    profile: (schema) => `fault:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 1\n`,
    query: async <T,>(sql: string) => (/^\s*(select|describe)/i.test(sql) ? client.query<T>(sql) : (await client.command(sql), [] as T[])),
    dropSchema: (schema) => client.command(`DROP DATABASE IF EXISTS \`${schema}\` SYNC`),
  };
  const harness = new FaultHarness(warehouse);
  return {
    harness,
    close: async () => {
      harness.cleanup();
      await project.close();
      p.cleanup();
    },
  };
}
