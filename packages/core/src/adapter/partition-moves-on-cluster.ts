import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import type { Staging } from './staging.js';

/**
 * Partition moves (replacePartitions, attachPartitions) in cluster mode are `ALTER … ON CLUSTER`
 * partition commands, which old servers (18.x) refuse ("Unsupported type of ALTER query"): runs
 * `work` unless the server is known to refuse them, learns the answer (a probe per statement kind),
 * and answers undefined when they are refused, so the caller rebuilds the whole table instead.
 * `work` must change nothing before its first partition move (a refused ALTER changes nothing).
 */
export async function ifPartitionMovesWork<T>(staging: Staging, work: () => Promise<T>): Promise<T | undefined> {
  const { adapter } = staging;
  if (!adapter.cluster) return work();
  if (adapter.capabilities.peek('partition_moves_on_cluster') === false) return undefined;
  try {
    const result = await work();
    adapter.capabilities.learn('partition_moves_on_cluster', true);
    return result;
  } catch (error) {
    if (!refusedPartitionMoves(adapter, error)) throw error;
    await staging.dispose(); // what the attempt staged; the rebuild stages anew
    return undefined;
  }
}

/** Whether `error` is a cluster-mode server's refusal of partition commands ON CLUSTER (noted: partitionMovesRefused()). */
export function refusedPartitionMoves(adapter: ClickHouseAdapter, error: unknown): boolean {
  if (!adapter.cluster || !/Unsupported type of ALTER query|Code: 48\b/.test(String((error as Error)?.message))) return false;
  adapter.capabilities.learn('partition_moves_on_cluster', false);
  return true;
}

/** Whether this cluster's servers are known to refuse partition commands ON CLUSTER (18.x). */
export const partitionMovesRefused = (adapter: ClickHouseAdapter): boolean => !!adapter.cluster && adapter.capabilities.peek('partition_moves_on_cluster') === false;
