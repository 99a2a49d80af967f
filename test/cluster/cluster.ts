import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { ADDRESS_IN_USE, freePort, listensOn, PortTakenError } from '../helpers/ports.js';
import { configXml, findServerBinary, httpQuery, PASSWORD, sleep, waitExit } from '../server/clickhouse-server.js';

/**
 * A throwaway 2-shard ClickHouse cluster on loopback for the cluster suite: one ZooKeeper process
 * (Debian's `zookeeper` package, run from a temp config on its own port) and two clickhouse-server
 * 18.16 processes, each one replica of its own shard, with `macros` ({shard}, {replica}), a
 * `remote_servers` entry naming both, and distributed DDL through ZooKeeper. `layout: 'replicas'`:
 * the same two servers as the two replicas of one shard instead (the same {shard}, {replica} r1 and
 * r2; a second cluster name would not do: a server has one set of macros, which the replicated
 * engines' paths expand).
 *
 * Set TSDBT_SKIP_SERVER_TESTS=1 (or TSDBT_SKIP_CLUSTER_TESTS=1) to skip the suite.
 */
export const SKIP_CLUSTER_TESTS = process.env.TSDBT_SKIP_SERVER_TESTS === '1' || process.env.TSDBT_SKIP_CLUSTER_TESTS === '1';

export const CLUSTER = 'tsdbt_cluster';

export interface ClusterNode {
  /** 1 or 2: the shard (its replica in the `replicas` layout). */
  readonly shard: number;
  readonly port: number;
  readonly tcpPort: number;
  /** Runs a statement over HTTP as `default` on this node; returns the response text. */
  query(sql: string): Promise<string>;
  /** SIGKILL, keeping the data: a shard going down. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
}

export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  readonly zkPort: number;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});


/** The classpath of Debian's ZooKeeper server (its jar's manifest names the dependencies). */
export function zookeeperClasspath(): string | undefined {
  const jar = ['/usr/share/java/zookeeper.jar', '/usr/share/zookeeper/zookeeper.jar'].find((p) => existsSync(p));
  if (!jar) return undefined;
  return [jar, existsSync('/etc/zookeeper/conf') ? '/etc/zookeeper/conf' : undefined].filter(Boolean).join(':');
}

function javaBinary(): string | undefined {
  for (const p of [process.env.JAVA ?? '', '/usr/bin/java', '/usr/local/bin/java'].filter(Boolean)) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

/** ZooKeeper's four-letter `srvr`: true once it serves requests (`ruok` answers before that). */
function serving(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => s.write('srvr'));
    s.on('data', (d) => (data += d));
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(/Mode: standalone/.test(data)));
  });
}

function tail(file: string, output: string): string {
  let log = '';
  try {
    log = readFileSync(file, 'utf8');
  } catch {}
  return `${output}\n${log}`.trim().split('\n').slice(-20).join('\n');
}

async function startZookeeper(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const cp = zookeeperClasspath();
  const java = javaBinary();
  if (!cp || !java)
    throw new Error('ZooKeeper not found (/usr/share/java/zookeeper.jar and java): apt-get install -y zookeeper, or set TSDBT_SKIP_CLUSTER_TESTS=1.');
  const zkDir = join(dir, 'zookeeper');
  mkdirSync(join(zkDir, 'data'), { recursive: true });
  const port = await freePort();
  writeFileSync(
    join(zkDir, 'zoo.cfg'),
    [`tickTime=500`, `dataDir=${zkDir}/data`, `clientPort=${port}`, `clientPortAddress=127.0.0.1`, 'maxClientCnxns=0', 'admin.enableServer=false', '4lw.commands.whitelist=srvr', ''].join('\n'),
  );
  const child = spawn(java, ['-Xmx256m', '-cp', cp, `-Dzookeeper.log.dir=${zkDir}`, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(zkDir, 'zoo.cfg')], {
    cwd: zkDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-8000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-8000)));
  const stop = async () => {
    child.kill('SIGKILL');
    await waitExit(child, 5000);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const why = `zookeeper exited (${child.exitCode}):\n${output}`;
      throw ADDRESS_IN_USE.test(output) ? new PortTakenError(why) : new Error(why);
    }
    if (await serving(port)) {
      // another test file's ZooKeeper may have taken the port meanwhile: never share one
      if (listensOn(child.pid!, port)) return { port, stop };
      await stop();
      throw new PortTakenError(`zookeeper: port ${port} is another process's`);
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`zookeeper did not answer on port ${port} within 60 s:\n${output}`);
}

/** Two one-replica shards, or (`replicas`) one shard of two replicas. */
export type ClusterLayout = 'shards' | 'replicas';

function nodeConfigXml(dir: string, n: { httpPort: number; tcpPort: number; interserverPort: number; shard: number }, nodes: { tcpPort: number }[], zkPort: number, layout: ClusterLayout): string {
  const replicaXml = (s: { tcpPort: number }) => `<replica><host>127.0.0.1</host><port>${s.tcpPort}</port><user>default</user><password>${PASSWORD}</password></replica>`;
  const shard = (replicas: { tcpPort: number }[]) => `<shard><internal_replication>true</internal_replication>${replicas.map(replicaXml).join('')}</shard>`;
  const shardXml = layout === 'replicas' ? shard(nodes) : nodes.map((s) => shard([s])).join('\n      ');
  const macros = layout === 'replicas' ? `<shard>01</shard><replica>r${n.shard}</replica>` : `<shard>0${n.shard}</shard><replica>r1</replica>`;
  return configXml(
    dir,
    n.httpPort,
    n.tcpPort,
    `
  <interserver_http_port>${n.interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <remote_servers>
    <${CLUSTER}>
      ${shardXml}
    </${CLUSTER}>
  </remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>${zkPort}</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper>
  <macros>${macros}<cluster>${CLUSTER}</cluster></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>`,
  );
}

function usersXml(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users>
    <default><password>${PASSWORD}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

/**
 * Starts ZooKeeper and two one-replica shards; resolves once both answer `/ping` and see the cluster.
 * A port taken by another process meanwhile (test files run two at a time): all again on new ports.
 */
export async function startCluster(options: { layout?: ClusterLayout } = {}): Promise<TestCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(options.layout ?? 'shards');
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

async function startClusterOnce(layout: ClusterLayout): Promise<TestCluster> {
  const bin = findServerBinary();
  if (!bin) throw new Error('clickhouse-server not found: apt-get install -y clickhouse-server, or set TSDBT_SKIP_CLUSTER_TESTS=1.');
  const root = mkdtempSync(join(tmpdir(), 'tsdbt-cluster-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const zk = await startZookeeper(root);
    stops.push(zk.stop);
    const ports: { httpPort: number; tcpPort: number; interserverPort: number; shard: number }[] = [];
    const used = new Set<number>();
    const fresh = async () => {
      const p = await freePort(used);
      used.add(p);
      return p;
    };
    for (const shard of [1, 2]) ports.push({ httpPort: await fresh(), tcpPort: await fresh(), interserverPort: await fresh(), shard });
    const nodes: ClusterNode[] = [];
    for (const n of ports) {
      const dir = join(root, `shard${n.shard}`);
      for (const d of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'config.xml'), nodeConfigXml(dir, n, ports, zk.port, layout));
      writeFileSync(join(dir, 'users.xml'), usersXml());
      let child: ChildProcess | undefined;
      let output = '';
      const query = (sql: string) => httpQuery(n.httpPort, sql);
      const start = async () => {
        output = '';
        const c = spawn(bin[0]!, [...bin.slice(1), `--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        child = c;
        live.add(c);
        c.once('exit', () => live.delete(c));
        c.stdout!.on('data', (d) => (output = (output + d).slice(-8000)));
        c.stderr!.on('data', (d) => (output = (output + d).slice(-8000)));
        // Ready = answers a query on ZooKeeper (18.x can crash when its first ZooKeeper session fails).
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
          if (c.exitCode !== null || c.signalCode !== null) {
            const why = `clickhouse-server (shard ${n.shard}) exited before it was ready:\n${tail(join(dir, 'log', 'server.err.log'), output)}`;
            throw ADDRESS_IN_USE.test(why) ? new PortTakenError(why) : new Error(why);
          }
          let answered = false;
          try {
            await query("SELECT count() FROM system.zookeeper WHERE path = '/'");
            answered = true;
          } catch {}
          if (answered) {
            // another test file's server may have taken the port meanwhile: only our own process counts
            if (listensOn(c.pid!, n.httpPort)) return;
            throw new PortTakenError(`clickhouse-server (shard ${n.shard}): port ${n.httpPort} is another process's`);
          }
          await sleep(200);
        }
        c.kill('SIGKILL');
        throw new Error(`clickhouse-server (shard ${n.shard}) did not answer /ping within 60 s:\n${tail(join(dir, 'log', 'server.err.log'), output)}`);
      };
      const kill = async () => {
        const c = child;
        child = undefined;
        if (!c) return;
        c.kill('SIGKILL');
        await waitExit(c, 10_000);
      };
      stops.unshift(kill);
      nodes.push({ shard: n.shard, port: n.httpPort, tcpPort: n.tcpPort, query, kill, start });
    }
    for (const n of nodes) {
      try {
        await n.start();
      } catch (error) {
        if (error instanceof PortTakenError) throw error;
        await n.kill();
        await n.start(); // once more: see start()
      }
    }
    return {
      nodes,
      zkPort: zk.port,
      async stop() {
        for (const s of stops) await s().catch(() => {});
        if (process.env.TSDBT_KEEP_CLUSTER_DIR !== '1') rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const s of stops) await s().catch(() => {});
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** profiles.yml text for a target on shard 1 with `cluster:` set. */
export function clusterProfile(options: { port: number; schema: string; cluster?: string; name?: string }): string {
  const name = options.name ?? 'proj';
  return [
    `${name}:`,
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: clickhouse',
    '      host: 127.0.0.1',
    `      port: ${options.port}`,
    '      user: default',
    `      password: '${PASSWORD}'`,
    `      schema: ${options.schema}`,
    `      cluster: ${options.cluster ?? CLUSTER}`,
    '      threads: 2',
    '',
  ].join('\n');
}
