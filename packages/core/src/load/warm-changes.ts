import type { DeltaNodes } from './warm-start.js';

/*
 * What changed in a warm start since an earlier state of it. A warm start's identity is its base
 * (written whole) and each delta appended since (load/warm-start.ts): an artifact made from an
 * earlier identity that is a prefix of the current one differs only in the nodes those later deltas
 * set. Artifacts of the unchanged nodes can then be reused (manifest.json pieces, compiled SQL).
 */

/** The nodes set since the warm start was `since` (undefined: another base, or a delta deleted or added a node). */
export function changedSince(identity: string, deltaNodes: DeltaNodes, since: string): ReadonlySet<string> | undefined {
  const now = identity.split(',');
  const then = since.split(',');
  if (deltaNodes.length !== now.length - 1 || then.length > now.length) return undefined;
  for (let i = 0; i < then.length; i++) if (then[i] !== now[i]) return undefined;
  const changed = new Set<string>();
  for (let d = then.length - 1; d < deltaNodes.length; d++) {
    const ids = deltaNodes[d];
    if (!ids) return undefined;
    for (const id of ids) changed.add(id);
  }
  return changed;
}

/** The nodes a delta set, as DeltaNodes lists them: null when it deleted a node or set one not in `before`. */
export function deltaNodeIds(nodes: readonly (readonly [string, unknown])[], before: ReadonlySet<string>): readonly string[] | null {
  return nodes.every(([id, node]) => node !== null && before.has(id)) ? nodes.map(([id]) => id) : null;
}
