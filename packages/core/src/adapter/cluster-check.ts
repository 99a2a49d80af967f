import { sqlString } from '../render/placeholders.js';
import { ConnectionError, DatabaseError, TsdbtError } from '../shared/errors.js';
import type { WarehouseClient } from './warehouse-client.js';

/** The server a client talks to, for messages: `ClickHouse at host:port`. */
export function serverName(client: Pick<WarehouseClient, 'target'>): string {
  const t = client.target;
  return t ? `ClickHouse at ${t.host}:${t.port}` : 'the server';
}

/**
 * Cluster mode: fails fast, with a hint, when the cluster is not defined on the server or a shard
 * does not answer (rather than waiting out distributed_ddl_task_timeout).
 */
export async function checkClusterReachable(client: WarehouseClient, cluster: string): Promise<void> {
  const defined = await client.query<{ cluster: string }>('SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster');
  if (!defined.some((r) => r.cluster === cluster))
    throw new ConnectionError('cluster_unknown', `Cluster '${cluster}' is not defined on ${serverName(client)} (known: ${defined.map((r) => r.cluster).join(', ') || 'none'})`, {
      hint: "Set `cluster:` in profiles.yml to a name from the server's <remote_servers> (SELECT cluster FROM system.clusters), or remove it for a single node.",
    });
  try {
    await client.query(`SELECT count() FROM cluster(${sqlString(cluster)}, system, one)`, { settings: { skip_unavailable_shards: 0 } });
  } catch (error) {
    throw clusterError(client, cluster, error);
  }
}

/** Turns a failure of a cluster-wide statement into an error that says what to check. */
export function clusterError(client: Pick<WarehouseClient, 'target'>, cluster: string, error: unknown): TsdbtError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Requested cluster '[^']*' not found|Code: 170\b/.test(message))
    return new ConnectionError('cluster_unknown', `Cluster '${cluster}' is not defined on ${serverName(client)}: ${message}`, {
      hint: "Set `cluster:` in profiles.yml to a name from the server's <remote_servers> (SELECT cluster FROM system.clusters).",
      cause: error,
    });
  if (/All connection tries failed|Connection refused|NETWORK_ERROR|Code: (210|279|209)\b|Timeout exceeded while|unfinished hosts|distributed_ddl_task_timeout/i.test(message))
    return new ConnectionError('shard_unreachable', `A shard of cluster '${cluster}' is unreachable, so nothing was changed on the others: ${message}`, {
      hint: 'Start the stopped ClickHouse server(s) of the cluster (see system.clusters for hosts and ports), check ZooKeeper, and run again.',
      cause: error,
    });
  return error instanceof TsdbtError ? error : new DatabaseError('database_error', message, { cause: error });
}
