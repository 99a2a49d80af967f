import { execFileSync } from 'node:child_process';
import type { TargetConfig } from '../load/profiles.js';
import { DEFAULT_LIVENESS_TIMEOUT, unresponsive } from './server-liveness.js';
import { targetLabel } from './warehouse-errors.js';

const livenessMs = (target: TargetConfig) => (target.livenessTimeout ?? DEFAULT_LIVENESS_TIMEOUT) * 1000;

/**
 * A blocking HTTP query, for run_query() inside a template (nunjucks renders synchronously).
 * Runs a short child process; rare enough in models that its ~50 ms cost does not matter.
 */
export function httpQuerySync(target: TargetConfig, sql: string, toError: (e: unknown) => Error, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  const url = `${target.secure ? 'https' : 'http'}://${target.host}:${target.port}/${query ? `?${query}` : ''}`;
  // While the query runs, /ping is asked every few seconds: a server that stops answering (frozen)
  // ends the wait after the liveness timeout instead of never.
  const script = `
    const chunks = []; process.stdin.on('data', (c) => chunks.push(c)); process.stdin.on('end', async () => {
      const { url, ping, livenessMs, user, password, sql } = JSON.parse(Buffer.concat(chunks).toString());
      let answered = Date.now();
      const every = Math.max(200, Math.min(5000, livenessMs / 4));
      setInterval(() => {
        if (Date.now() - answered > livenessMs) { process.stdout.write(JSON.stringify({ ok: false, unresponsive: true })); process.exit(0); }
        fetch(ping, { signal: AbortSignal.timeout(every) }).then(async (r) => { await r.text(); if (r.ok) answered = Date.now(); }, () => {});
      }, every).unref();
      try {
        const res = await fetch(url, { method: 'POST', body: sql, headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password } });
        const text = await res.text();
        process.stdout.write(JSON.stringify({ ok: res.ok, status: res.status, code: res.headers.get('x-clickhouse-exception-code'), text }));
      } catch (e) { process.stdout.write(JSON.stringify({ ok: false, net: String(e.cause?.code ?? e.message) })); }
    });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify({ url, ping: `${target.secure ? 'https' : 'http'}://${target.host}:${target.port}/ping`, livenessMs: livenessMs(target), user: target.user, password: target.password, sql }),
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const r = JSON.parse(out) as { ok: boolean; text?: string; code?: string; net?: string; unresponsive?: boolean };
  if (r.ok) return r.text ?? '';
  if (r.unresponsive) throw unresponsive(targetLabel(target), livenessMs(target));
  if (r.net) throw toError(Object.assign(new Error(r.net), { code: r.net }));
  throw toError(Object.assign(new Error(r.text ?? 'query failed'), { code: r.code }));
}
