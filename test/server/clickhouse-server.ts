import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ADDRESS_IN_USE, freePort, listensOn, PortTakenError } from '../helpers/ports.js';

export { freePort } from '../helpers/ports.js';

/**
 * A throwaway clickhouse-server process for the `type: clickhouse` suite: its own config, data
 * directory and loopback ports under a temp dir. CI starts no server; each test file starts its own.
 *
 * Set TSDBT_SKIP_SERVER_TESTS=1 to skip the suite; otherwise a missing binary fails it loudly.
 */
export const SKIP_SERVER_TESTS = process.env.TSDBT_SKIP_SERVER_TESTS === '1';

export const PASSWORD = 'tsdbt-secret';

/** A statement sent straight to a test server's HTTP port as `default`; the answer as text. */
export async function httpQuery(port: number, sql: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    body: sql,
    headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': PASSWORD },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text;
}
/** A second user, with its own password, to check non-default credentials. */
export const OTHER_USER = 'tsdbt_user';
export const OTHER_PASSWORD = 'other-secret';

export interface ClickHouseServer {
  readonly port: number;
  readonly tcpPort: number;
  readonly dir: string;
  readonly version: string;
  /** Ends the server (SIGKILL: nothing is kept) and removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for the process to be gone; keeps the data dir. */
  kill(): Promise<void>;
  /** Starts the server again on the same ports and data: after kill(), or a graceful stop (SIGTERM) and start. */
  restart(): Promise<void>;
  /** Runs a statement over HTTP as `default`; returns the response text. */
  query(sql: string): Promise<string>;
  /** SIGSTOP: the server freezes (its sockets stay open, nothing answers) until resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `[command, ...leading args]` of a clickhouse server binary, or undefined. */
export function findServerBinary(): string[] | undefined {
  const fromEnv = process.env.CLICKHOUSE_SERVER_BIN;
  if (fromEnv) return [fromEnv];
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'].filter(Boolean);
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  for (const d of dirs) if (executable(join(d, 'clickhouse-server'))) return [join(d, 'clickhouse-server')];
  for (const d of dirs) if (executable(join(d, 'clickhouse'))) return [join(d, 'clickhouse'), 'server'];
  return undefined;
}

/** A minimal server config rooted in `dir`; `extra` is more XML inside <yandex> (cluster, ZooKeeper, macros). */
export function configXml(dir: string, httpPort: number, tcpPort: number, extra = ''): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>${extra}
</yandex>
`;
}

/** Options of a test server: `queryLog` keeps system.query_log (every statement logged, flushed each second). */
export interface ServerOptions {
  readonly queryLog?: boolean;
}

const QUERY_LOG_XML = `
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>`;

function usersXml(options: ServerOptions = {}): string {
  const user = (name: string, password: string) =>
    `<${name}><password>${password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></${name}>`;
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage>${options.queryLog ? '<log_queries>1</log_queries>' : ''}</default></profiles>
  <users>
    ${user('default', PASSWORD)}
    ${user(OTHER_USER, OTHER_PASSWORD)}
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true when `child` has exited, false after `ms`. */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Starts clickhouse-server and resolves once `GET /ping` answers `Ok.`. */
export async function startClickHouseServer(options: ServerOptions = {}): Promise<ClickHouseServer> {
  const bin = findServerBinary();
  if (!bin)
    throw new Error(
      'clickhouse-server not found (looked in PATH, /usr/sbin, /usr/bin, /usr/local/bin; or set CLICKHOUSE_SERVER_BIN). ' +
        'Install it (apt-get install -y clickhouse-server) or set TSDBT_SKIP_SERVER_TESTS=1 to skip the server suite.',
    );
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-chserver-'));
  for (const d of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, d), { recursive: true });
  let port = 0;
  let tcpPort = 0;
  const configure = async () => {
    port = await freePort();
    tcpPort = await freePort(new Set([port]));
    rmSync(join(dir, 'log'), { recursive: true, force: true }); // an earlier attempt's "Address already in use"
    mkdirSync(join(dir, 'log'));
    writeFileSync(join(dir, 'config.xml'), configXml(dir, port, tcpPort, options.queryLog ? QUERY_LOG_XML : ''));
  };
  writeFileSync(join(dir, 'users.xml'), usersXml(options));

  let child: ChildProcess | undefined;
  let output = '';
  const logTail = () => {
    let log = '';
    try {
      log = readFileSync(join(dir, 'log', 'server.err.log'), 'utf8');
    } catch {}
    return `${output}\n${log}`.trim().split('\n').slice(-20).join('\n');
  };

  const spawnAndWait = async () => {
    output = '';
    const c = spawn(bin[0]!, [...bin.slice(1), `--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    c.stdout!.on('data', (d) => (output = (output + d).slice(-8000)));
    c.stderr!.on('data', (d) => (output = (output + d).slice(-8000)));
    c.once('exit', () => live.delete(c));
    let spawnError: Error | undefined;
    c.once('error', (e) => (spawnError = e));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`cannot start ${bin.join(' ')}: ${spawnError.message}`);
      if (c.exitCode !== null || c.signalCode !== null) {
        const why = `clickhouse-server exited (${c.exitCode ?? c.signalCode}) before answering /ping:\n${logTail()}`;
        throw ADDRESS_IN_USE.test(logTail()) ? new PortTakenError(why) : new Error(why);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
        if ((await res.text()).trim() === 'Ok.') {
          // another test file's server may have taken the port meanwhile: only our own process counts
          if (listensOn(c.pid!, port)) return;
          throw new PortTakenError(`port ${port} is another process's`);
        }
      } catch (error) {
        if (error instanceof PortTakenError) throw error;
      }
      await sleep(100);
    }
    c.kill('SIGKILL');
    throw new Error(`clickhouse-server did not answer /ping on port ${port} within 60 s:\n${logTail()}`);
  };

  const query = (sql: string) => httpQuery(port, sql);

  const terminate = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    child = undefined;
    c.kill(signal);
    if (!(await waitExit(c, 15_000))) {
      c.kill('SIGKILL');
      await waitExit(c, 5_000);
    }
  };

  for (let attempt = 1; ; attempt++) {
    try {
      await configure();
      await spawnAndWait();
      break;
    } catch (error) {
      await terminate('SIGKILL');
      if (error instanceof PortTakenError && attempt < 5) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const version = (await query('SELECT version()')).trim();
  return {
    port,
    tcpPort,
    dir,
    version,
    query,
    kill: () => terminate('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async restart() {
      await terminate('SIGTERM');
      await spawnAndWait();
    },
    async stop() {
      // the data is thrown away, and a graceful 18.x shutdown takes ~8 s
      await terminate('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** profiles.yml text for a `type: clickhouse` target on `port`. */
export function serverProfile(
  options: { name?: string; port: number; schema: string; user?: string; password?: string; host?: string; threads?: number },
): string {
  const name = options.name ?? 'proj';
  return [
    `${name}:`,
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: clickhouse',
    `      host: ${options.host ?? '127.0.0.1'}`,
    `      port: ${options.port}`,
    `      user: ${options.user ?? 'default'}`,
    `      password: '${options.password ?? PASSWORD}'`,
    `      schema: ${options.schema}`,
    `      threads: ${options.threads ?? 2}`,
    '',
  ].join('\n');
}
