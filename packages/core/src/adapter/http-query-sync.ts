import { execFileSync } from 'node:child_process';
import type { TargetConfig } from '../load/profiles.js';

/**
 * A blocking HTTP query, for run_query() inside a template (nunjucks renders synchronously).
 * Runs a short child process; rare enough in models that its ~50 ms cost does not matter.
 */
export function httpQuerySync(target: TargetConfig, sql: string, toError: (e: unknown) => Error, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  const url = `${target.secure ? 'https' : 'http'}://${target.host}:${target.port}/${query ? `?${query}` : ''}`;
  const script = `
    const chunks = []; process.stdin.on('data', (c) => chunks.push(c)); process.stdin.on('end', async () => {
      const { url, user, password, sql } = JSON.parse(Buffer.concat(chunks).toString());
      try {
        const res = await fetch(url, { method: 'POST', body: sql, headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password } });
        const text = await res.text();
        process.stdout.write(JSON.stringify({ ok: res.ok, status: res.status, code: res.headers.get('x-clickhouse-exception-code'), text }));
      } catch (e) { process.stdout.write(JSON.stringify({ ok: false, net: String(e.cause?.code ?? e.message) })); }
    });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify({ url, user: target.user, password: target.password, sql }),
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const r = JSON.parse(out) as { ok: boolean; text?: string; code?: string; net?: string };
  if (r.ok) return r.text ?? '';
  if (r.net) throw toError(Object.assign(new Error(r.net), { code: r.net }));
  throw toError(Object.assign(new Error(r.text ?? 'query failed'), { code: r.code }));
}
