import { describe, expect, it } from 'vitest';
import { runSucceeded, type NodeResult, type RunEvent } from '../../../packages/core/src/report/events.js';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe('the run and its listener', () => {
  it('a listener that throws is reported to it once as a warning, and run() settles with every result', async () => {
    const seen: RunEvent[] = [];
    const { p } = setup({ 'models/a.sql': 'select 1 as x', 'models/b.sql': "select x from {{ ref('a') }}" });
    const project = p.open({
      onEvent: (e) => {
        seen.push(e);
        if (e.type === 'node_finished') throw new Error('listener bug');
      },
    });
    setup.track({ ...p, cleanup: () => {} }, project);
    // Before: the throw escaped the scheduler, the host process crashed and run() never settled.
    const r = await project.run();
    expectStatuses(r, { a: 'success', b: 'success' });
    expect(r.success).toBe(true);
    const warnings = seen.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toEqual([expect.stringMatching(/^The onEvent listener threw on a 'node_finished' event: listener bug/)]);
    expect(seen.filter((e) => e.type === 'node_finished')).toHaveLength(2);
    expect(seen.at(-1)!.type).toBe('run_finished');
  });

  it("a run's success is decided by typed statuses, never by message text", () => {
    const node = { name: 'm' } as NodeResult['node'];
    const r = (status: NodeResult['status'], message: string, skipReason?: NodeResult['skipReason']): NodeResult => ({
      uniqueId: 'model.p.m', node, status, message, skipReason, executionTime: 0, timing: [], warnings: [],
    });
    expect(runSucceeded([r('success', 'not run: looks like a skip')], false)).toBe(true);
    expect(runSucceeded([r('skipped', 'anything', 'not_run')], false)).toBe(false);
    expect(runSucceeded([r('warn', 'Got 1 result')], false)).toBe(true);
    expect(runSucceeded([r('success', 'OK')], true)).toBe(false);
  });
});
