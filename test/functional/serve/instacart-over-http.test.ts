import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TsdbtProject, type RunResult } from '../../../packages/core/src/index.js';
import { openInstacart, problems } from '../../instacart/instacart-project.js';

/** Per model: row count and a hash of every row (clock-dependent DateTime columns left out). */
async function fingerprints(query: <T>(sql: string) => Promise<T[]>): Promise<Record<string, string>> {
  const cols = await query<{ database: string; table: string; name: string }>(
    "SELECT database, table, name FROM system.columns WHERE database IN ('clean', 'mart') AND type NOT LIKE '%DateTime%' AND table NOT LIKE '%tsdbt%' ORDER BY database, table, name",
  );
  const byTable = new Map<string, string[]>();
  for (const c of cols) (byTable.get(`${c.database}.${c.table}`) ?? byTable.set(`${c.database}.${c.table}`, []).get(`${c.database}.${c.table}`)!).push(`\`${c.name}\``);
  const out: Record<string, string> = {};
  for (const [table, names] of byTable) {
    const [row] = await query<{ n: string; h: string }>(`SELECT count() AS n, toString(sum(cityHash64(${names.join(', ')}))) AS h FROM ${table}`);
    out[table] = `${row!.n}:${row!.h}`;
  }
  return out;
}

import { CLI } from '../../helpers/cli.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const statusOf = (r: RunResult) => Object.fromEntries(r.results.map((x) => [x.node.name, `${x.status}:${x.failures ?? ''}`]));

describe('the Instacart project over tsdbt serve (type: clickhouse, plain HTTP)', () => {
  const ic = openInstacart('over-http');
  let server: ChildProcess | undefined;
  afterAll(async () => {
    server?.kill('SIGTERM');
    await ic.close();
  });

  it('builds and tests with the same results as the embedded path', async () => {
    // 1. Embedded: generate and build in this file's warehouse.
    await ic.project.runOperation('generate_instacart', { scale: 0.01, seed: 42 });
    const embedded = await ic.project.build();
    expect(problems(embedded)).toEqual([]);
    const embeddedPrints = await fingerprints(ic.query);
    expect(Object.keys(embeddedPrints)).toHaveLength(16);

    // 2. A second warehouse served over HTTP by `tsdbt serve` in another process (as a user would run
    //    it), and the project built through a `type: clickhouse` profile pointing at it.
    const port = await freePort();
    const servedProfiles = join(ic.dir, '..', 'profiles-served');
    const httpProfiles = join(ic.dir, '..', 'profiles-http');
    mkdirSync(servedProfiles, { recursive: true });
    mkdirSync(httpProfiles, { recursive: true });
    //    Clients that write need --allow-writes and the target's password.
    const login = '      user: builder\n      password: b-secret\n';
    writeFileSync(join(servedProfiles, 'profiles.yml'), `instacart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(ic.dir, '..', 'served-warehouse')}\n${login}`);
    writeFileSync(join(httpProfiles, 'profiles.yml'), `instacart:\n  target: http\n  outputs:\n    http:\n      type: clickhouse\n      host: 127.0.0.1\n      port: ${port}\n      schema: default\n      threads: 4\n${login}`);
    server = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--allow-writes', '--project-dir', ic.dir, '--profiles-dir', servedProfiles], { stdio: 'ignore' });
    // Up to 90 s: a process start and a chDB open on a loaded machine (a wait, not a speed claim).
    for (const until = Date.now() + 90_000; ; ) {
      const ok = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until) throw new Error('tsdbt serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const profilesDir = httpProfiles;
    const overHttp = TsdbtProject.open({ projectDir: ic.dir, profilesDir });
    try {
      expect(overHttp.target.type).toBe('clickhouse');
      await overHttp.runOperation('generate_instacart', { scale: 0.01, seed: 42 });
      const built = await overHttp.build();
      expect(problems(built)).toEqual([]);
      expect(statusOf(built)).toEqual(statusOf(embedded));
      const httpPrints = await fingerprints((sql) => overHttp.adapter().then((a) => a.client.query(sql)));
      expect(httpPrints).toEqual(embeddedPrints);
    } finally {
      await overHttp.close();
    }
  }, 300_000);
});
