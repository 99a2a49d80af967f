import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteWriterFrom } from '../adapter/serve-endpoint.js';
import { authenticate, type AccessPolicy } from './access.js';
import { checkRequestOrigin, corsHeaders, parseRequestTarget, preflightHeaders, type OriginPolicy } from './http-guard.js';
import { ErrorCode, HttpQueryError, requestCredentials } from './protocol.js';
import { runQuery, type QueryContext } from './query.js';
import { sendError } from './respond.js';

export interface ServeContext extends QueryContext {
  readonly displayName: string;
  readonly policy: AccessPolicy;
  readonly origins: OriginPolicy;
  /** Socket inactivity after which a connection is closed (not while the engine works on it). */
  readonly idleTimeoutMs: number;
}

/** One HTTP request, start to end. Never throws: every failure is answered (or the socket closed). */
export function handleRequest(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = {
    'X-ClickHouse-Server-Display-Name': ctx.displayName,
    'X-ClickHouse-Timezone': ctx.engine.timezone,
  };
  const socket = req.socket;
  const busy = (working: boolean) => {
    if (!socket.destroyed) socket.setTimeout(working ? 0 : ctx.idleTimeoutMs);
  };
  handle(ctx, req, res, headers, busy)
    .catch((error: unknown) => sendError(req, res, headers, error, ctx.engine.version))
    .catch(() => res.destroy())
    .finally(() => busy(false));
}

async function handle(ctx: ServeContext, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, busy: (working: boolean) => void): Promise<void> {
  const started = process.hrtime.bigint();
  const { path, params } = parseRequestTarget(req.url);
  const origin = checkRequestOrigin(req.headers, ctx.origins);
  Object.assign(headers, corsHeaders(origin));
  const queryId = params.get('query_id') || randomUUID();
  headers['X-ClickHouse-Query-Id'] = queryId;
  const method = req.method ?? 'GET';

  if (method === 'OPTIONS') {
    req.resume();
    res.writeHead(204, origin ? { ...headers, ...preflightHeaders(origin) } : { ...headers, Allow: 'GET, POST, OPTIONS' });
    res.end();
    return;
  }
  if (path === '/ping' || path === '/replicas_status' || (path === '/' && (method === 'GET' || method === 'HEAD') && !params.has('query'))) {
    req.resume();
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '4' });
    res.end('Ok.\n');
    return;
  }
  if (path !== '/') throw new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'BAD_ARGUMENTS', `There is no handle ${path}. Use / for queries and /ping for health checks`, 404);
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
    throw new HttpQueryError(ErrorCode.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', `HTTP method ${method} is not supported; use GET or POST`, 405);
  const role = authenticate(requestCredentials(req.headers, params), ctx.policy);
  // Temporaries of whoever writes through here may be alive: this process no longer owns the warehouse alone.
  if (role !== 'reader') noteWriterFrom(ctx.engine.path);
  await runQuery(ctx, { role, req, res, params, headers, queryId, started, busy });
}
