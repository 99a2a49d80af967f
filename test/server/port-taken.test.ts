import { createServer as httpServer } from 'node:http';
import { createServer as tcpServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SKIP_CLUSTER_TESTS, startCluster } from '../cluster/cluster.js';
import { freePort } from '../helpers/ports.js';
import { SKIP_SERVER_TESTS, startClickHouseServer } from './clickhouse-server.js';

/*
 * Test files run two at a time: a port the helpers chose may be taken by another file's server before
 * ours binds it. The server helpers then start again on new ports — never talk to the other file's
 * server (same password, same cluster name) as if it were theirs. Here freePort hands out a port a
 * stand-in listener holds, as if taken in between.
 */
const handOut: (number | undefined)[] = [];
const calls = { n: 0 };
vi.mock('../helpers/ports.js', async (original) => {
  const real = await original<typeof import('../helpers/ports.js')>();
  return { ...real, freePort: async (avoid?: ReadonlySet<number>) => handOut[calls.n++] ?? real.freePort(avoid) };
});

let holder: Server | undefined;
afterEach(() => {
  holder?.close();
  holder = undefined;
});

/** A port held by `server`; freePort hands it out as its `nth` answer (0-based) from now on. */
async function taken(server: Server, nth: number): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  holder = server;
  handOut.length = 0;
  handOut[nth] = port;
  calls.n = 0;
  return port;
}

describe.skipIf(SKIP_SERVER_TESTS)('a test server whose port is taken before it binds', () => {
  it("another server answering /ping on the HTTP port: started again on new ports, not the other's", async () => {
    const port = await taken(httpServer((_req, res) => res.end('Ok.\n')), 0);
    const server = await startClickHouseServer();
    try {
      expect(server.port).not.toBe(port);
      expect(calls.n).toBe(4); // two ports, twice
      expect((await server.query('SELECT 1')).trim()).toBe('1');
    } finally {
      await server.stop();
    }
  });

  it('the TCP port held: the server cannot bind it and is started again on new ports', async () => {
    const port = await taken(tcpServer(), 1);
    const server = await startClickHouseServer();
    try {
      expect(server.tcpPort).not.toBe(port);
      expect(calls.n).toBe(4);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(SKIP_CLUSTER_TESTS)('a test cluster whose ZooKeeper port is taken before it binds', () => {
  it("another ZooKeeper answering there: the cluster starts again on new ports, never sharing the other's", async () => {
    const port = await taken(tcpServer((s) => s.on('data', () => s.end('Zookeeper version: 3\nMode: standalone\n'))), 0);
    const cluster = await startCluster();
    try {
      expect(cluster.zkPort).not.toBe(port);
      expect(calls.n).toBe(8); // ZooKeeper's port, then ZooKeeper's and the shards' 6 again
    } finally {
      await cluster.stop();
    }
  }, 300_000);
});
