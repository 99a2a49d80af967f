import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../packages/core/src/index.js';
import { finished, started } from '../helpers/events.js';

// Issue #18: the event-order helpers returned -1 for a missing event, so `finished(a) < started(b)`
// passed when `a` never ran.
describe('event-order helpers', () => {
  const events = [
    { type: 'node_started', node: { name: 'a' } },
    { type: 'node_finished', result: { node: { name: 'a' } } },
  ] as unknown as RunEvent[];

  it('give the position of an event that happened', () => {
    expect(started(events, 'a')).toBe(0);
    expect(finished(events, 'a')).toBe(1);
  });

  it('throw for a node that never started or finished', () => {
    expect(() => started(events, 'b')).toThrow(/no node_started event for 'b'/);
    expect(() => finished(events, 'b')).toThrow(/no node_finished event for 'b'/);
  });
});
