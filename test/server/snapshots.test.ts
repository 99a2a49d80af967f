import { describe, expect, it } from 'vitest';
import { queryRows } from '../helpers/inline-project.js';
import { injectFaults } from '../functional/snapshots/faults.js';
import { atTime, changeSource, history, leftovers, projectFiles, runSteps, STEPS, VARIANTS } from '../functional/snapshots/scenario.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * Snapshots on an old server (Debian's 18.16: no joinGet by database, no synchronous mutations, no
 * DateTime64, Ordinary databases without EXCHANGE): the rewrite path, swapped in by one RENAME.
 * The scenario of test/functional/snapshots/scenario.ts, its faults, and a server killed mid-run.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: snapshots', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  it('timestamp strategy, invalidate: changes, deletions and a row back after deletion, with the dbt columns', async () => {
    const { p, project } = setup(projectFiles(VARIANTS[0]!));
    expect(await runSteps(project, p.schema, 3)).toEqual(['success: OK 10 rows', 'success: OK 4 inserted, 4 closed', 'success: OK 3 inserted, 3 closed']);
    expect(await queryRows(project, `SELECT id, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t FROM ${p.schema}.snap WHERE id IN (4, 6, 7) ORDER BY id, dbt_valid_from`)).toEqual([
      { id: 4, f: '2024-01-01 00:00:04', t: '2030-01-01 00:00:02' },
      { id: 4, f: '2024-01-05 00:00:00', t: null },
      { id: 6, f: '2024-01-01 00:00:06', t: '2024-01-03 00:00:06' },
      { id: 6, f: '2024-01-03 00:00:06', t: null },
      { id: 7, f: '2024-01-01 00:00:07', t: '2030-01-01 00:00:03' },
    ]);
    expect(await leftovers(project, p.schema)).toEqual([]);
  });

  it('check strategy, new_record: deletion records and the seconds-precision snapshot time', async () => {
    const { p, project } = setup(projectFiles(VARIANTS[1]!));
    expect(await runSteps(project, p.schema, 3)).toEqual(['success: OK 10 rows', 'success: OK 6 inserted, 4 closed', 'success: OK 4 inserted, 4 closed']);
    expect(await queryRows(project, `SELECT id, toString(dbt_valid_from) AS f, dbt_valid_to IS NULL AS current, dbt_is_deleted AS d FROM ${p.schema}.snap WHERE id IN (4, 7) ORDER BY id, dbt_valid_from, d`)).toEqual([
      { id: 4, f: '2030-01-01 00:00:01', current: 0, d: 'False' },
      { id: 4, f: '2030-01-01 00:00:02', current: 0, d: 'True' },
      { id: 4, f: '2030-01-01 00:00:03', current: 1, d: 'False' },
      { id: 7, f: '2030-01-01 00:00:01', current: 0, d: 'False' },
      { id: 7, f: '2030-01-01 00:00:03', current: 1, d: 'True' },
    ]);
  });

  it('a run failing or dying at any statement leaves the snapshot as before or after; the next run completes it', async () => {
    const { p, project } = setup(projectFiles(VARIANTS[0]!));
    await runSteps(project, p.schema, 2);
    await changeSource(project, p.schema, 2);
    const sql = async (text: string) => (await project.adapter()).client.command(text);
    await sql(`CREATE TABLE ${p.schema}.saved_snap ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM ${p.schema}.snap`);
    const before = await history(project, p.schema);
    await atTime(project, STEPS[2]!.time);
    const faults = await injectFaults(project);
    faults.arm(0, 'count');
    await project.snapshot();
    faults.disarm();
    const statements = faults.count;
    const after = await history(project, p.schema);
    for (const mode of ['fail', 'die'] as const)
      for (let k = 1; k <= statements; k++) {
        await sql(`DROP TABLE ${p.schema}.snap`);
        await sql(`CREATE TABLE ${p.schema}.snap AS ${p.schema}.saved_snap`);
        await sql(`INSERT INTO ${p.schema}.snap SELECT * FROM ${p.schema}.saved_snap`);
        faults.arm(k, mode);
        await project.snapshot();
        faults.disarm();
        const where = `${mode} at statement ${k} of ${statements}`;
        expect([before, after], where).toContainEqual(await history(project, p.schema));
        const next = setup.reopen(p);
        await atTime(next, STEPS[2]!.time);
        expect((await next.snapshot()).results[0]!.status, where).toBe('success');
        expect(await history(next, p.schema), where).toEqual(after);
        expect((await leftovers(next, p.schema)).filter((t) => t !== 'saved_snap'), where).toEqual([]);
        await next.close();
      }
  });

  it('the server killed during a run: after a restart the next run completes the history', async () => {
    const { p, project } = setup(projectFiles(VARIANTS[0]!));
    await runSteps(project, p.schema, 2);
    await changeSource(project, p.schema, 2);
    const before = await history(project, p.schema);
    // Killed right after the new table is filled, before the swap.
    const client = (await project.adapter()).client as { command: (sql: string, ...rest: never[]) => Promise<void> };
    const command = client.command.bind(client);
    let killed = false;
    client.command = async (sql: string, ...rest: never[]) => {
      await command(sql, ...rest);
      if (!killed && /^INSERT INTO .*__rewrite/.test(sql)) {
        killed = true;
        await suite.server.kill();
      }
    };
    await atTime(project, STEPS[2]!.time);
    expect((await project.snapshot()).results[0]!.status).toBe('error');
    expect(killed).toBe(true);
    await suite.server.restart();
    await project.close();
    const next = setup.reopen(p);
    expect(await history(next, p.schema)).toEqual(before);
    await atTime(next, STEPS[2]!.time);
    expect((await next.snapshot()).results[0]!.message).toBe('OK 3 inserted, 3 closed');
    expect(await leftovers(next, p.schema)).toEqual([]);
  });
});
