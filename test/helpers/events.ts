import type { RunEvent } from '../../packages/core/src/index.js';

/**
 * Position of a node's `node_started` / `node_finished` event in a run's event stream. A missing
 * event throws: an order assertion such as `finished(a) < started(b)` must not pass because one
 * side is -1.
 */
export function eventPosition(events: readonly RunEvent[], kind: 'node_started' | 'node_finished', name: string): number {
  const i = events.findIndex((e) =>
    kind === 'node_started' ? e.type === 'node_started' && e.node.name === name : e.type === 'node_finished' && e.result.node.name === name,
  );
  if (i < 0) throw new Error(`no ${kind} event for '${name}' (events: ${events.map((e) => e.type).join(', ')})`);
  return i;
}

export const started = (events: readonly RunEvent[], name: string) => eventPosition(events, 'node_started', name);
export const finished = (events: readonly RunEvent[], name: string) => eventPosition(events, 'node_finished', name);
