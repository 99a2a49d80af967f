import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkRequestOrigin, corsHeaders, originPolicy } from '../serve/http-guard.js';
import { UsageError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { renderIndexHtml } from './site/index-html.js';

/** The only files `docs serve` hands out from the target folder. */
export const DOCS_ARTIFACTS = ['manifest.json', 'catalog.json', 'run_results.json', 'dashboards.json', 'lineage.json'] as const;

export interface ServeOptions {
  readonly targetDir: string;
  /** 0 picks a free port. Default 8080. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Extra host names to answer to (besides IP addresses, localhost and this machine's name), as `tsdbt serve --allow-host`. */
  readonly allowHosts?: readonly string[];
  /** Origins (`http://host:port`) whose pages may read the artifacts (CORS), as `tsdbt serve --allow-origin`. */
  readonly allowOrigins?: readonly string[];
}

export interface DocsServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Serves the docs site: `/` is the single page (built in, always current), the JSON artifacts come
 * from the target folder as they are on disk. No warehouse connection is needed. As `tsdbt serve`,
 * it answers only requests addressed to one of its names and sent by no page of another site: a
 * DNS-rebinding page (its domain now resolving to 127.0.0.1) could otherwise read the manifest and
 * the catalog (compiled SQL, table names, row counts).
 */
export async function serveDocs(options: ServeOptions): Promise<DocsServer> {
  optionalInteger('port', options.port, { ...NUMERIC_RULES.port, example: '8080' });
  const html = renderIndexHtml();
  let policy: ReturnType<typeof originPolicy>;
  try {
    policy = originPolicy(options.allowOrigins ?? [], options.allowHosts ?? []);
  } catch (error) {
    throw new UsageError('serve_origin', `--allow-origin: ${(error as Error).message}`);
  }
  const server = createServer((req, res) => {
    let path = '';
    try {
      path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    } catch {
      // a malformed escape: answered as not found below
    }
    let cors: Record<string, string> = {};
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...cors });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      cors = corsHeaders(checkRequestOrigin(req.headers, policy, 'the docs'));
    } catch (error) {
      return send(403, 'text/plain; charset=utf-8', `${(error as Error).message.replace('start with', 'start tsdbt docs serve with')}\n`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', html);
    const name = path.slice(1);
    if (!(DOCS_ARTIFACTS as readonly string[]).includes(name)) return send(404, 'text/plain; charset=utf-8', 'not found');
    readFile(join(options.targetDir, name)).then(
      (body) => send(200, 'application/json; charset=utf-8', body),
      () => send(404, 'text/plain; charset=utf-8', `${name} not found: run tsdbt docs generate`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}/`,
        port: address.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
