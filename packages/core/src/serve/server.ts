import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findServeEndpoint } from '../adapter/serve-endpoint.js';
import { warehouseHolder, warehouseLockedError } from '../adapter/warehouse-lock.js';
import type { TargetConfig } from '../load/profiles.js';
import { ConnectionError, UsageError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { announce, processToken } from './endpoint-registry.js';
import { Engine } from './engine.js';
import { handleRequest, type ServeContext } from './handler.js';
import { originPolicy } from './http-guard.js';

export interface WarehouseServerOptions {
  /** Default 8123; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. A non-loopback address needs a password on the target. */
  readonly host?: string;
  /** Stateless queries running at once (more wait their turn). Default max(8, target threads). */
  readonly poolSize?: number;
  /** Advertise the endpoint next to the data directory for other tsdbt processes (default true). */
  readonly announce?: boolean;
  /** Clients with the target's credentials may change the warehouse (POST). Needs a password on the target. */
  readonly allowWrites?: boolean;
  /** Origins (`http://host:port`) whose web pages may use the server (CORS). Others are refused. */
  readonly allowOrigins?: readonly string[];
  /** Host names the server answers to besides IP addresses, localhost and this machine's name. */
  readonly allowHosts?: readonly string[];
  /** Largest statement text, after decompression (default 4 MiB). */
  readonly maxQueryBytes?: number;
  /** Largest INSERT data from a client, after decompression (default 8 GiB; tsdbt processes: no limit). */
  readonly maxInsertBytes?: number;
  /** Time a client has to send its request headers (default 20 s). */
  readonly headersTimeoutMs?: number;
  /** A connection silent this long is closed, except while its statement runs (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** False: accept only the process token (the endpoint every tsdbt process opens for the others). */
  readonly clients?: boolean;
}

export interface WarehouseServer {
  /** `http://host:port` (what clients connect to). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The data directory served. */
  readonly path: string;
  readonly version: string;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

function checkOptions(target: TargetConfig, host: string, options: WarehouseServerOptions): void {
  if (!LOOPBACK.test(host) && !target.password && options.clients !== false)
    throw new UsageError('serve_insecure', `Refusing to serve the warehouse on ${host} without a password: anyone reaching that address could read and change it`, {
      hint: `Set user and password on target '${target.name}' in profiles.yml, or listen on 127.0.0.1 (the default).`,
    });
  if (options.allowWrites && !target.password)
    throw new UsageError('serve_insecure_writes', `--allow-writes needs a password on target '${target.name}'`, {
      hint:
        'A client that may write can also reach, through ClickHouse table functions, the files and network of the serving process ' +
        '(the embedded engine has one user). Set user and password on the target in profiles.yml; clients then log in with them.',
    });
  try {
    originPolicy(options.allowOrigins, options.allowHosts);
  } catch (error) {
    throw new UsageError('serve_origin', `--allow-origin: ${(error as Error).message}`);
  }
}

/**
 * Serves a chdb target's embedded warehouse over ClickHouse's HTTP interface, so curl,
 * `@clickhouse/client`, BI tools and other tsdbt processes can use it while this process holds
 * the data directory. Safe by default: see access.ts (who may do what) and http-guard.ts.
 */
export async function startServer(project: { readonly target: TargetConfig }, options: WarehouseServerOptions = {}): Promise<WarehouseServer> {
  const target = project.target;
  optionalInteger('port', options.port, NUMERIC_RULES.port);
  if (target.type !== 'chdb' || !target.path)
    throw new UsageError('serve_target', `Target '${target.name}' is a ClickHouse server (${target.host}:${target.port}); serve exposes an embedded chdb warehouse`, {
      hint: 'Point your tools at that server directly, or pick a chdb target with --target.',
    });
  const path = target.path;
  const host = options.host ?? '127.0.0.1';
  checkOptions(target, host, options);
  const running = await findServeEndpoint(path);
  if (running)
    throw new UsageError('serve_running', `The warehouse ${path} is held and served by process ${running.pid}`, {
      hint: 'Other tsdbt commands on this target go through that process already. To serve it to other tools, stop that process and start `tsdbt serve` (or `tsdbt watch --serve`).',
    });
  const holder = warehouseHolder(path);
  if (holder) throw warehouseLockedError(path, holder);

  let engine: Engine;
  try {
    engine = await Engine.open(path, options.poolSize ?? Math.max(8, target.threads));
  } catch (error) {
    throw new ConnectionError('warehouse_locked', `Cannot open the embedded warehouse ${path}: ${(error as Error).message}`, { cause: error });
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const headersTimeoutMs = options.headersTimeoutMs ?? 20_000;
  const spoolDir = mkdtempSync(join(tmpdir(), 'tsdbt-serve-'));
  const ctx: ServeContext = {
    engine,
    displayName: hostname(),
    runningQueries: new Set(),
    policy: { user: target.user, password: target.password, token: processToken(path), clients: options.clients !== false, allowWrites: options.allowWrites === true },
    origins: originPolicy(options.allowOrigins, options.allowHosts),
    limits: { maxQueryBytes: options.maxQueryBytes ?? 4 << 20, maxInsertBytes: options.maxInsertBytes ?? 8 * 2 ** 30 },
    spoolDir,
    idleTimeoutMs,
  };
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: idleTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
      maxHeaderSize: 1 << 20,
    },
    (req, res) => handleRequest(ctx, req, res),
  );
  server.maxConnections = 256;
  server.setTimeout(idleTimeoutMs, (socket) => socket.destroy());
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  const cleanup = () => {
    engine.close();
    rmSync(spoolDir, { recursive: true, force: true });
  };
  try {
    server.listen(options.port ?? 8123, host);
    await once(server, 'listening');
  } catch (error) {
    cleanup();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UsageError('serve_port', `Port ${options.port ?? 8123} on ${host} is already in use`, { hint: 'Pick another with --port.', cause: error });
    throw error;
  }
  // The endpoint tsdbt processes share among themselves must not keep a finished command alive.
  if (options.clients === false) server.unref();
  const address = server.address() as AddressInfo;
  const connectHost = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const url = `http://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${address.port}`;
  let withdraw: () => void;
  try {
    withdraw = announce(path, { host: connectHost, port: address.port, url, startedAt: new Date().toISOString() }, options.announce !== false);
  } catch (error) {
    server.close();
    cleanup();
    throw new UsageError('serve_announce', `Cannot write the endpoint file next to ${path}: ${(error as Error).message}`, {
      hint: 'Other tsdbt processes find the server through that file: make the folder holding the data directory writable.',
      cause: error,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    host: connectHost,
    port: address.port,
    path,
    version: engine.version,
    close() {
      closing ??= (async () => {
        withdraw();
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        // Let running requests finish for a moment, then cut them.
        const timer = setTimeout(() => server.closeAllConnections(), 2_000);
        timer.unref();
        await closed;
        clearTimeout(timer);
        cleanup();
      })();
      return closing;
    },
  };
}
