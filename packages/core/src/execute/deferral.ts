import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import type { Relation } from '../manifest/nodes.js';
import type { Manifest } from '../manifest/manifest.js';
import { UsageError } from '../shared/errors.js';
import { deferCandidates, type DeferCandidate } from '../state/defer.js';
import { requireStateManifest, type PreviousState } from '../state/previous-state.js';

/** dbt's deferral flags (run, build, test, seed, snapshot, compile). */
export interface DeferOptions {
  /** `--defer`: refs to unselected nodes read the state manifest's relation when theirs is not built in the target. */
  readonly defer?: boolean;
  /** `--defer-state DIR`: the manifest to defer to, when not `state`. */
  readonly deferState?: string;
  /** `--favor-state`: with `defer`, every unselected node reads the state's relation, built in the target or not. */
  readonly favorState?: boolean;
}

/**
 * The relations `--defer` substitutes (empty without it). `readState` reads a --state folder (cached
 * by the caller); `adapter` answers which relations exist (opened only when --favor-state is off).
 */
export async function deferral(
  options: DeferOptions & { readonly state?: string },
  manifest: Manifest,
  selected: ReadonlySet<string>,
  readState: (dir: string) => PreviousState | undefined,
  adapter: () => Promise<ClickHouseAdapter>,
): Promise<Map<string, Relation>> {
  if (!options.defer) return new Map();
  const dir = options.deferState || options.state;
  if (!dir) {
    throw new UsageError('defer_state', 'Received a --defer argument, but no value was provided to --state', {
      hint: 'Pass --state <folder holding the manifest.json to defer to, e.g. production\'s target/> (or --defer-state / DBT_STATE).',
    });
  }
  const candidates = deferCandidates(manifest, requireStateManifest(readState(dir), '--defer'), selected);
  if (candidates.length === 0) return new Map();
  return deferredRelations(candidates, options.favorState ?? false, options.favorState ? undefined : await adapter());
}

/**
 * Which unselected nodes `--defer` reads from the state (dbt's RuntimeRefResolver.create_relation):
 * with `--favor-state` all of them; otherwise those whose own relation does not exist in the target.
 * Without an adapter (no warehouse to ask) only --favor-state can defer.
 */
export async function deferredRelations(candidates: readonly DeferCandidate[], favorState: boolean, adapter: ClickHouseAdapter | undefined): Promise<Map<string, Relation>> {
  const out = new Map<string, Relation>();
  if (favorState) {
    for (const c of candidates) out.set(c.node.uniqueId, c.stateRelation);
    return out;
  }
  if (!adapter) return out;
  const existing = await adapter.existingRelations(candidates.map((c) => c.node.relation));
  for (const c of candidates) {
    if (!existing.has(`${c.node.relation.schema}\u0000${c.node.relation.identifier}`)) out.set(c.node.uniqueId, c.stateRelation);
  }
  return out;
}
