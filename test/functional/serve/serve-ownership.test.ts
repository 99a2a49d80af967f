import { afterAll, describe, expect, it } from 'vitest';
import { sweepLeftovers } from '../../../packages/core/src/adapter/temporaries.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, queryRows } from '../../helpers/inline-project.js';
import { runProcess } from '../../helpers/serve-client.js';

/*
 * A process holding an embedded warehouse may sweep any leftover temporary in it while nobody else
 * writes there (chDB's lock proves their owners dead). Once another process has written through
 * its endpoint, a leftover whose owner it cannot tell may belong to a live run: only the age rule
 * drops it. (This file's process starts with no writer, so the first assertion holds.)
 */
const p = inlineProject({ 'models/one.sql': 'select 1 as x' });
let project: TsdbtProject | undefined;
afterAll(async () => {
  await project?.close();
  p.cleanup();
});

describe('an embedded warehouse shared with other tsdbt processes', () => {
  it('is no longer owned alone once another process writes through it: leftovers of unknown owners survive', async () => {
    project = p.open();
    const adapter = await project.adapter();
    expect(adapter.ownsWarehouseExclusively()).toBe(true);
    // Another process builds through this one (it holds the directory, so the child forwards).
    const built = await runProcess(process.execPath, [CLI, 'build', '--project-dir', p.dir]);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.one`)).toEqual([{ x: 1 }]);
    expect(adapter.ownsWarehouseExclusively()).toBe(false);
    // A temporary whose run id names no machine: its owner cannot be proven dead, and it is new.
    await adapter.client.command(`CREATE TABLE ${p.schema}.one__tsdbt_tmp_abc_x (x UInt8) ENGINE = Memory`);
    expect(await sweepLeftovers(adapter, p.schema)).toEqual([]);
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE '%tsdbt_tmp%'`)).toEqual([{ name: 'one__tsdbt_tmp_abc_x' }]);
  });
});
