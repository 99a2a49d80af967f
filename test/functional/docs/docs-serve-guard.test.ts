import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs, type DocsServer } from '../../../packages/core/src/docs/index.js';
import { UsageError } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject } from '../../helpers/inline-project.js';
import { curl } from '../../helpers/serve-client.js';

// `tsdbt docs serve` hands out the manifest and catalog (compiled SQL, relations, row counts): like
// `tsdbt serve` it refuses a Host that is not one of its names (a DNS-rebinding page) and pages of
// other sites (serve/http-guard.ts).

let dir: string;
let server: DocsServer;
const MANIFEST = JSON.stringify({ metadata: { project_name: 'secret_shop' }, nodes: {} });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsdbt-docs-guard-'));
  writeFileSync(join(dir, 'manifest.json'), MANIFEST);
  writeFileSync(join(dir, 'catalog.json'), '{"nodes":{},"sources":{}}');
  server = await serveDocs({ targetDir: dir, port: 0, allowHosts: ['docs.internal'], allowOrigins: ['http://localhost:3000'] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tsdbt docs serve: Host and Origin', () => {
  it('refuses a request for another host name (DNS rebinding) and hands out nothing', async () => {
    for (const path of ['manifest.json', 'catalog.json', '']) {
      const rebound = await curl([`${server.url}${path}`, '-H', `Host: attacker.example:${server.port}`]);
      expect(rebound.status).toBe(403);
      expect(rebound.text).not.toContain('secret_shop');
      expect(rebound.text).toMatch(/Host 'attacker\.example' is not a name of this server.*--allow-host attacker\.example/);
    }
  });

  it('refuses pages of another site (Origin, Sec-Fetch-Site)', async () => {
    const origin = await curl([`${server.url}manifest.json`, '-H', 'Origin: http://evil.example']);
    expect(origin.status).toBe(403);
    expect(origin.text).not.toContain('secret_shop');
    expect((await curl([`${server.url}manifest.json`, '-H', 'Sec-Fetch-Site: cross-site'])).status).toBe(403);
    expect((await curl([`${server.url}manifest.json`, '-H', 'Origin: null'])).status).toBe(403);
  });

  it('answers its own names, named hosts and origins, and its own pages', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'docs.internal', `DOCS.internal:${server.port}`]) {
      const ok = await curl([`${server.url}manifest.json`, '-H', `Host: ${host}`]);
      expect(ok.status, host).toBe(200);
      expect(JSON.parse(ok.text).metadata.project_name).toBe('secret_shop');
    }
    const own = await curl([`${server.url}manifest.json`, '-H', `Origin: http://127.0.0.1:${server.port}`, '-H', 'Sec-Fetch-Site: same-origin']);
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    const named = await curl([`${server.url}manifest.json`, '-H', 'Origin: http://localhost:3000', '-H', 'Sec-Fetch-Site: cross-site']);
    expect(named.status).toBe(200);
    expect(named.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('a malformed --allow-origin is a usage error', async () => {
    await expect(serveDocs({ targetDir: dir, port: 0, allowOrigins: ['localhost:3000/x'] })).rejects.toThrow(UsageError);
  });

  it('the CLI passes --allow-host on', async () => {
    const p = inlineProject({ 'models/a.sql': 'select 1 as x' });
    mkdirSync(join(p.dir, 'target'), { recursive: true });
    writeFileSync(join(p.dir, 'target', 'manifest.json'), MANIFEST);
    const child = spawn(process.execPath, [CLI, 'docs', 'serve', '--port', '0', '--allow-host', 'docs.internal', '--project-dir', p.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stderr.on('data', (d) => (out += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /at (http:\/\/\S+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', () => reject(new Error(`docs serve exited: ${out}`)));
      });
      expect((await curl([`${url}manifest.json`, '-H', 'Host: docs.internal'])).status).toBe(200);
      expect((await curl([`${url}manifest.json`, '-H', 'Host: attacker.example'])).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
      p.cleanup();
    }
  });
});
