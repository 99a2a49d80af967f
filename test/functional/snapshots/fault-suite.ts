import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';
import { injectFaults, type FaultMode } from './faults.js';
import { atTime, changeSource, history, leftovers, projectFiles, runSteps, STEPS, type Variant } from './scenario.js';
import { useApplyPath } from './snapshot-fixture.js';

/*
 * A snapshot run whose k-th statement fails, and one that dies right after its k-th statement
 * (nothing after it reaches the warehouse), for every k: the snapshot is left exactly as before the
 * run or exactly as after it (never half-closed versions or duplicates), and the next run's history
 * equals a clean run's, with no temporary left. The run under test is the scenario's third
 * (changes, a deletion, a row back after deletion, NULL → value). test/server and snapshot-kill
 * tests do the same with a real server and real killed processes.
 * (Called by fault-tolerance-*.test.ts, one file per apply path, so they run side by side.)
 */
export function faultSuite(path: 'hardlink' | 'rewrite', variants: readonly Variant[], modes: readonly FaultMode[] = ['fail', 'die']): void {
  describe(`snapshot runs that ${modes.join(' or ')} at any statement (${path})`, () => {
  const setup = openedPerTest();

  it.each(variants.map((v) => [v.name, v] as const))('%s', async (_name, variant) => {
    const { p, project } = setup(projectFiles(variant));
    const sql = async (text: string) => (await project.adapter()).client.command(text);
    await useApplyPath(project, path);
    // The state before the run under test, kept aside to start each case from it.
    await runSteps(project, p.schema, 2);
    await changeSource(project, p.schema, 2);
    for (const t of ['fact', 'snap']) await sql(`CREATE TABLE ${p.schema}.saved_${t} ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM ${p.schema}.${t}`);
    const restore = async () => {
      await sql(`DROP TABLE IF EXISTS ${p.schema}.snap SYNC`);
      await sql(`CREATE TABLE ${p.schema}.snap AS ${p.schema}.saved_snap`);
      await sql(`INSERT INTO ${p.schema}.snap SELECT * FROM ${p.schema}.saved_snap`);
    };
    const state = async () => (await history(project, p.schema));
    const before = await state();
    // The clean run: its history, and how many statements it sends.
    await atTime(project, STEPS[2]!.time);
    const faults = await injectFaults(project);
    faults.arm(0, 'count');
    expect((await project.snapshot()).results[0]!.status).toBe('success');
    faults.disarm();
    const statements = faults.count;
    const after = await state();
    expect(after).not.toEqual(before);
    expect(statements).toBeGreaterThan(10);

    for (const mode of modes)
      for (let k = 1; k <= statements; k++) {
        await restore();
        faults.arm(k, mode);
        await project.snapshot();
        faults.disarm();
        const where = `${mode} at statement ${k} of ${statements}`;
        expect([before, after], `${where}: the snapshot is as before or as after the run`).toContainEqual(await state());

        // The next run (a new process: another project object, another run id) completes the history.
        const next = setup.reopen(p);
        await useApplyPath(next, path);
        await atTime(next, STEPS[2]!.time);
        const result = await next.snapshot();
        expect(result.results[0]!.status, `${where}: ${result.results[0]!.message}`).toBe('success');
        expect(await history(next, p.schema), where).toEqual(after);
        expect((await leftovers(next, p.schema)).filter((t) => !t.startsWith('saved_')), where).toEqual([]);
        await next.close();
      }
  });
});
}
