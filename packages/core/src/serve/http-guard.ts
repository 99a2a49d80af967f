import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { ErrorCode, HttpQueryError } from './protocol.js';

/**
 * What a request must pass before anything else: a request target that is a plain path, a Host
 * that names this server (a DNS-rebinding page sends its own domain), and no foreign Origin (a
 * page of another site). CORS answers only origins the user named.
 */

export interface RequestTarget {
  /** Decoded path without trailing slashes ('/' for the root). */
  readonly path: string;
  readonly params: URLSearchParams;
}

function badRequest(message: string): HttpQueryError {
  return new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'BAD_REQUEST', message, 400);
}

/**
 * Splits a request target without resolving it against a base URL: `//x:99999/` is a malformed
 * path here (400), not a host with a bad port.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget {
  const target = raw ?? '/';
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  if (!rawPath.startsWith('/') || rawPath.includes('//')) throw badRequest(`Malformed request target ${JSON.stringify(target.slice(0, 100))}`);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw badRequest(`Malformed percent-encoding in ${JSON.stringify(rawPath.slice(0, 100))}`);
  }
  return { path: path.replace(/\/+$/, '') || '/', params: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

export interface OriginPolicy {
  /** Origins (`http://host:port`) whose pages may use the server, with CORS headers. */
  readonly allowOrigins: ReadonlySet<string>;
  /** Extra host names the server answers to (besides IP addresses, localhost and this machine's name). */
  readonly allowHosts: ReadonlySet<string>;
}

export function originPolicy(allowOrigins: readonly string[] = [], allowHosts: readonly string[] = []): OriginPolicy {
  return {
    allowOrigins: new Set(allowOrigins.map(normalizeOrigin)),
    allowHosts: new Set(allowHosts.map((h) => hostName(h))),
  };
}

/** `http://Example.com:80/` → `http://example.com`. Throws on what is not an origin. */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`'${origin}' is not an origin: write it as scheme://host[:port], e.g. http://localhost:3000`);
  }
  if (url.origin === 'null' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new Error(`'${origin}' is not an origin: write it as scheme://host[:port], e.g. http://localhost:3000`);
  return url.origin;
}

/** The host name of a Host header (`[::1]:8123` → `::1`, `Example.COM:80` → `example.com`). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  return h.replace(/:\d*$/, '');
}

function forbidden(message: string): HttpQueryError {
  return new HttpQueryError(ErrorCode.ACCESS_DENIED, 'ACCESS_DENIED', message, 403);
}

/**
 * Refuses a request for a host name this server does not have (DNS rebinding: a page of
 * attacker.example whose name now resolves to 127.0.0.1), and one sent by a page of another site:
 * a foreign `Origin`, or `Sec-Fetch-Site: cross-site/same-site` without an allowed Origin (an
 * <img> or a form sends no Origin on GET). Returns the allowed origin, for CORS. `what` names what
 * the server serves, in the messages.
 */
export function checkRequestOrigin(headers: IncomingHttpHeaders, policy: OriginPolicy, what = 'the warehouse'): string | undefined {
  const host = headers.host;
  if (host !== undefined) {
    const name = hostName(host);
    const known = isIP(name) !== 0 || name === 'localhost' || name === hostname().toLowerCase() || policy.allowHosts.has(name);
    if (!known)
      throw forbidden(`Host '${name}' is not a name of this server: refused, as a page whose domain now points here would send it (DNS rebinding). To serve under that name, start with --allow-host ${name}`);
  }
  const origin = headers.origin;
  let allowed: string | undefined;
  if (origin !== undefined) {
    let normal: string | undefined;
    try {
      normal = normalizeOrigin(origin);
    } catch {
      normal = undefined;
    }
    const own = host !== undefined && normal === `http://${host.toLowerCase()}`;
    if (!normal || (!own && !policy.allowOrigins.has(normal)))
      throw forbidden(`Requests from pages of ${origin} are refused (another site). To let that site use ${what}, start with --allow-origin ${normal ?? origin}`);
    allowed = policy.allowOrigins.has(normal) ? normal : undefined;
  }
  const site = String(headers['sec-fetch-site'] ?? '');
  if ((site === 'cross-site' || site === 'same-site') && !allowed) throw forbidden(`Requests from pages of other sites are refused. To let a site use ${what}, start with --allow-origin <its origin>`);
  return allowed;
}

/** CORS headers for an allowed origin (never `*`). */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    Vary: 'Origin',
    'Access-Control-Expose-Headers': 'X-ClickHouse-Query-Id, X-ClickHouse-Summary, X-ClickHouse-Format, X-ClickHouse-Timezone, X-ClickHouse-Exception-Code',
  };
}

/** The answer to a CORS preflight from an allowed origin. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'origin, x-requested-with, x-clickhouse-format, x-clickhouse-user, x-clickhouse-key, Authorization, Content-Type',
    'Access-Control-Max-Age': '86400',
  };
}
