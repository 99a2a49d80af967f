import type { TargetConfig } from '../load/profiles.js';
import { ConnectionError, DatabaseError, TsdbtError } from '../shared/errors.js';
import { warehouseHolder, warehouseLockedError } from './warehouse-lock.js';

/** Where a target lives, for messages (never the password). */
export function targetLabel(target: TargetConfig): string {
  return target.type === 'chdb' ? `embedded chDB at ${target.path}` : `ClickHouse at ${target.secure ? 'https' : 'http'}://${target.host}:${target.port}`;
}

/** Seconds a statement may go without a byte from a server (profile `send_receive_timeout`). */
export const DEFAULT_SEND_RECEIVE_TIMEOUT = 3600;

/** Maps client, network and server errors to tsdbt errors with a hint. */
export function toWarehouseError(error: unknown, target: TargetConfig, _sql: string): TsdbtError {
  if (error instanceof TsdbtError) return error;
  const e = error as { code?: string | number; type?: string; message?: string; cause?: { code?: string } };
  let message = String(e.message ?? error);
  let rawCode = e.code;
  // Servers before ~19.x answer `Code: 193, e.displayText() = DB::Exception: …, e.what() = DB::Exception`,
  // which the client does not parse: take the code and the text from it.
  const old = /^\s*Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/.exec(message);
  if (old && rawCode === undefined) {
    rawCode = Number(old[1]);
    message = old[2]!;
  }
  const netCode = typeof rawCode === 'string' ? rawCode : e.cause?.code;
  const lost = /socket hang up|ECONNRESET|other side closed/i.test(message);
  // A chdb target is reached over the network only through the tsdbt process that holds it.
  if (target.type === 'chdb' && ((netCode && /^(ECONNREFUSED|ECONNRESET|EPIPE|UND_ERR_SOCKET)$/.test(netCode)) || lost))
    return new ConnectionError('holder_ended', `The tsdbt process that held the embedded warehouse ${target.path} for this command ended during a statement`, {
      hint: "That statement's outcome is unknown; the next ones open the warehouse again. Run the command again.",
      cause: error,
    });
  if (netCode && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|EPIPE|UND_ERR_SOCKET)$/.test(netCode))
    return new ConnectionError('unreachable', `Cannot reach ${targetLabel(target)} (${netCode})`, {
      hint: 'Check that the server is running and that host/port in profiles.yml are right.',
      cause: error,
    });
  // Stopped by the run's signal (Ctrl-C, SIGTERM, --fail-fast): the client's abort, chDB's KILL,
  // the server's code 394. The code says so, for the runner (not the text).
  if ((error as Error)?.name === 'AbortError' || /\babort(ed)?\b|\bAbortError\b|was cancelled|QUERY_WAS_CANCELLED|Code: 394\b/i.test(message))
    return new DatabaseError('cancelled', `cancelled: ${message.trim()}`, { cause: error });
  if (/^Timeout error\.?$/.test(message.trim()))
    return new ConnectionError('statement_timeout', `${targetLabel(target)} sent nothing for ${target.sendReceiveTimeout ?? DEFAULT_SEND_RECEIVE_TIMEOUT} s during a statement, which was given up (send_receive_timeout)`, {
      hint: 'Raise send_receive_timeout in profiles.yml for statements that run that long without a result, or check the server.',
      cause: error,
    });
  if (lost)
    return new ConnectionError('connection_lost', `Lost the connection to ${targetLabel(target)}: ${message}`, {
      hint: 'The server stopped or restarted during the statement; start it and run again.',
      cause: error,
    });
  const code = Number(rawCode);
  if (code === 516 || code === 192 || code === 193 || /Authentication failed|password is incorrect|Wrong password/i.test(message))
    return new ConnectionError('auth_failed', `Authentication failed for user '${target.user}' on ${targetLabel(target)}`, {
      hint: 'Check user and password in profiles.yml (or the env vars they read).',
      cause: error,
    });
  if (/Cannot lock file .*status/i.test(message)) return warehouseLockedError(target.path ?? '', warehouseHolder(target.path ?? ''), error);
  const prefix = Number.isFinite(code) && code > 0 ? `Code: ${code}. ${e.type ? e.type + ': ' : ''}` : '';
  return new DatabaseError('database_error', `${prefix}${message.trim()}${cycleAdvice(message)}`, { cause: error });
}

/**
 * What to do about ClickHouse's INFINITE_LOOP "cyclic dependencies": a view stored by dbt-clickhouse
 * or an older tsdbt with a CTE named like a relation that reads it (`with mrr as (…)` in a view the
 * model mrr reads) is a false cycle from the next server start, and every RENAME/EXCHANGE on the
 * server is refused. Views built again are stored without it (view-cte-names.ts) and without a swap.
 */
function cycleAdvice(message: string): string {
  const cycle = /cyclic dependencies: (.*)/.exec(message);
  if (!cycle) return '';
  const names = [...new Set([...cycle[1]!.matchAll(/(?:[\w`"]+)\.`?([\w]+)`?/g)].map((m) => m[1]!))];
  if (names.length === 0) return '';
  return `\n  If a view of this cycle reads a CTE named like another relation of it (\`with <name> as (…)\`), the cycle is false: ClickHouse counts the CTE as that relation when it loads the view (views of dbt-clickhouse or an older tsdbt), then refuses every RENAME and EXCHANGE on the server. Views tsdbt builds now store no such name: build them again, which needs no rename — \`tsdbt run --select ${names.join(' ')}\` — then run again.`;
}
