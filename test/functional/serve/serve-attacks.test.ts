import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TsdbtProject, type WarehouseServer } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, queryRows, type InlineProject } from '../../helpers/inline-project.js';
import { curl, rawExchange, spawnServe, type ServeChild } from '../../helpers/serve-client.js';

/*
 * tsdbt serve attacked the way issue 18 describes it: the default profile (no password) on
 * 127.0.0.1, reached by curl, by a raw socket and by a gzip bomb. Each attack must be refused and
 * the server must stay up. The server runs in this process, except where the attack used to kill
 * the process (then it runs as `tsdbt serve` in a child).
 */

let p: InlineProject;
let project: TsdbtProject;
let server: WarehouseServer;
let U: string;
let dir: string;
let secret: string;

const q = (sql: string, extra = '') => `${U}/?query=${encodeURIComponent(sql)}${extra}`;
const code = (r: { headers: Record<string, string> }) => r.headers['x-clickhouse-exception-code'];
const victimExists = async () => (await queryRows<{ n: string }>(project, "SELECT count() AS n FROM system.databases WHERE name = 'victim'"))[0]!.n === '1';

beforeAll(async () => {
  p = inlineProject({ 'models/one.sql': 'select 1 as x' });
  project = p.open();
  const adapter = await project.adapter();
  await adapter.client.command('CREATE DATABASE IF NOT EXISTS victim');
  await adapter.client.command('CREATE TABLE IF NOT EXISTS victim.rows (x UInt8) ENGINE = MergeTree ORDER BY x');
  await adapter.client.command('INSERT INTO victim.rows VALUES (1), (2)');
  dir = mkdtempSync(join(tmpdir(), 'tsdbt-attack-'));
  secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'the-secret-content\n');
  server = await startServer(project, { port: 0 });
  U = server.url;
}, 240_000);

afterAll(async () => {
  await server?.close();
  await project?.close();
  p?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tsdbt serve under attack (default profile, no password, loopback)', () => {
  it('writes no file: INTO OUTFILE is refused over GET and POST', async () => {
    const target = join(dir, 'pwned.txt');
    const get = await curl(['-G', '--data-urlencode', `query=SELECT 'x' INTO OUTFILE '${target}' APPEND`, `${U}/`]);
    expect(get.status).not.toBe(200);
    expect(code(get)).toBeTruthy();
    const post = await curl([`${U}/`, '--data-binary', `SELECT 'x' INTO OUTFILE '${target}'`]);
    expect(post.status).not.toBe(200);
    expect(existsSync(target)).toBe(false);
  });

  it('reads no file: file() as a table, as a function and as a table name are refused', async () => {
    for (const sql of [
      `SELECT * FROM file('${secret}', 'LineAsString')`,
      `SELECT file('${secret}')`,
      `SELECT * FROM \`${secret}\``,
      `SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')`,
      `DESCRIBE TABLE file('${secret}', 'LineAsString')`,
    ]) {
      const r = await curl([q(sql)]);
      expect(r.status, sql).not.toBe(200);
      expect(r.text, sql).not.toContain('the-secret-content');
      const post = await curl([`${U}/`, '--data-binary', sql]);
      expect(post.status, sql).not.toBe(200);
      expect(post.text, sql).not.toContain('the-secret-content');
    }
  });

  it('keeps GET read-only whatever the statement count: SELECT 1; DROP DATABASE is refused', async () => {
    const r = await curl(['-G', '--data-urlencode', 'query=SELECT 1; DROP DATABASE victim', `${U}/`]);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/Multi-statements are not allowed/);
    // ClickHouse's lexer, not ours, decides where a statement ends: a heredoc or a comment hides nothing.
    for (const sql of ['SELECT $$ \' $$; DROP DATABASE victim; SELECT \'', 'SELECT 1 /* */; DROP DATABASE victim', 'SELECT 1 -- x\n; DROP DATABASE victim'])
      expect((await curl([`${U}/`, '--data-binary', sql])).status, sql).not.toBe(200);
    expect(await victimExists()).toBe(true);
  });

  it('refuses writes from clients unless the server allows them, over GET and POST', async () => {
    for (const sql of ['DROP DATABASE victim', 'INSERT INTO victim.rows VALUES (3)', 'TRUNCATE TABLE victim.rows', 'CREATE TABLE victim.t (x UInt8) ENGINE = Memory']) {
      const post = await curl([`${U}/`, '--data-binary', sql]);
      expect(post.status, sql).toBe(500);
      expect(code(post), sql).toBe('164');
      expect(code(await curl([q(sql)])), sql).toBe('164');
    }
    const insert = await curl([q('INSERT INTO victim.rows FORMAT TSV'), '--data-binary', '@-'], '9\n');
    expect(code(insert)).toBe('164');
    expect(await victimExists()).toBe(true);
    expect(await queryRows(project, 'SELECT x FROM victim.rows ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('refuses SYSTEM and KILL statements to clients and stays up', async () => {
    // SYSTEM SHUTDOWN itself is sent to a server in a child process below: it signals a whole process group.
    for (const sql of ['SYSTEM DROP DNS CACHE', 'SYSTEM FLUSH LOGS', 'KILL QUERY WHERE 1', "KILL QUERY WHERE query_id = 'x' SYNC"]) {
      const r = await curl([`${U}/`, '--data-binary', sql]);
      expect(r.status, sql).not.toBe(200);
      expect(['164', '497'], sql).toContain(code(r));
    }
    expect((await curl([q('SELECT 1')])).text).toBe('1\n');
  });

  it('does not let a client lower readonly, or run SQL it builds at run time', async () => {
    const url = await curl([q(`SELECT * FROM file('${secret}', 'LineAsString')`, '&readonly=0')]);
    expect(code(url)).toBe('164');
    for (const sql of ['SELECT 1 SETTINGS readonly = 0', "SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString') SETTINGS readonly = 0"]) {
      const clause = await curl([`${U}/`, '--data-binary', sql]);
      expect(code(clause), sql).toBe('164');
      expect(clause.text, sql).toMatch(/Cannot modify 'readonly' setting in readonly mode/);
    }
    const set = await curl([q('SET readonly = 0', '&session_id=attacker'), '-X', 'POST']);
    expect(code(set)).toBe('164');
    const after = await curl([q(`SELECT * FROM file('${secret}', 'LineAsString')`, '&session_id=attacker'), '-X', 'POST']);
    expect(after.text).not.toContain('the-secret-content');
    // eval() would run a file() call that no statement check sees.
    const built = `SELECT * FROM eval(concat('SELECT fi', 'le(''${secret}'')'))`;
    const evalled = await curl([q(built, '&allow_experimental_eval_table_function=1')]);
    expect(evalled.status).not.toBe(200);
    expect(evalled.text).not.toContain('the-secret-content');
    // Settings that are plain query settings still apply.
    expect((await curl([q("SELECT getSetting('max_block_size')", '&max_block_size=1234')])).text).toBe('1234\n');
  });

  it('sends no wildcard CORS header and answers preflights from other sites 403', async () => {
    const pre = await curl(['-X', 'OPTIONS', `${U}/`, '-H', 'Origin: http://evil.example', '-H', 'Access-Control-Request-Method: POST']);
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const asked = await curl([q('SELECT 1', '&add_http_cors_header=1')]);
    expect(asked.text).toBe('1\n');
    expect(asked.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a request from another site (Origin, Sec-Fetch-Site) or for another host name (DNS rebinding)', async () => {
    const origin = await curl([`${U}/`, '-H', 'Origin: http://evil.example', '--data-binary', 'SELECT 1']);
    expect(origin.status).toBe(403);
    const nullOrigin = await curl([`${U}/`, '-H', 'Origin: null', '--data-binary', 'SELECT 1']);
    expect(nullOrigin.status).toBe(403);
    const img = await curl([q('SELECT 1'), '-H', 'Sec-Fetch-Site: cross-site']);
    expect(img.status).toBe(403);
    const rebound = await curl([q('SELECT 1'), '-H', 'Host: attacker.example:8123']);
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/--allow-host/);
    // What a user types, and tools without a browser, still get through.
    expect((await curl([q('SELECT 2'), '-H', 'Sec-Fetch-Site: none'])).text).toBe('2\n');
    expect((await curl([q('SELECT 3'), '-H', `Host: localhost:${server.port}`])).text).toBe('3\n');
  });

  it('refuses a gzip bomb early and keeps its memory bounded', async () => {
    // 1 GiB of zeros in about 1 MB of gzip.
    const bomb = join(dir, 'bomb.gz');
    await new Promise<void>((done, fail) => {
      const gz = createGzip({ level: 9 });
      const out = createWriteStream(bomb);
      gz.pipe(out).on('finish', done).on('error', fail);
      const chunk = Buffer.alloc(1 << 20);
      let left = 1024;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!gz.write(chunk)) return void gz.once('drain', pump);
        }
        gz.end();
      };
      pump();
    });
    expect(readFileSync(bomb).length).toBeLessThan(2 << 20);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      // As a query: refused once the decompressed text passes the query size limit.
      const asQuery = await curl([`${U}/`, '-H', 'Content-Encoding: gzip', '--data-binary', `@${bomb}`]);
      expect(asQuery.status).toBe(413);
      // As INSERT data from a client that may not write: refused before the body is read.
      const asInsert = await curl([q('INSERT INTO victim.rows FORMAT TSV'), '-H', 'Content-Encoding: gzip', '--data-binary', `@${bomb}`]);
      expect(code(asInsert)).toBe('164');
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(256 << 20);
    expect((await curl([q('SELECT 1')])).text).toBe('1\n');
  });

  it('refuses a query body over the limit with 413', async () => {
    const big = 'SELECT ' + '1+'.repeat(3 << 20) + '1';
    const r = await curl([`${U}/`, '--data-binary', '@-'], big);
    expect(r.status).toBe(413);
  });

  it('compares credentials in constant time', async () => {
    const { safeEqual } = await import('../../../packages/core/src/serve/access.js');
    expect(safeEqual('s3cret', 's3cret')).toBe(true);
    expect(safeEqual('s3cret', 's3cres')).toBe(false);
    expect(safeEqual('s3cret', 's3cret-and-more')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('requests that used to stop the process', () => {
  let served: ServeChild;
  let other: InlineProject;
  beforeAll(async () => {
    other = inlineProject({ 'models/m.sql': 'select 1 as x' });
    other.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(other.dir, '.wh')}\n` });
    served = await spawnServe(CLI, ['serve', '--port', '0', '--project-dir', other.dir, '--log-format', 'json']);
  });
  afterAll(async () => {
    await served?.stop();
    other?.cleanup();
  });

  const raw = (text: string) => rawExchange(Number(new URL(served.url).port), text, { end: true });

  it('survives request targets that are not paths', async () => {
    expect((await curl(['--path-as-is', `${served.url}//`])).status).toBe(400);
    // curl itself refuses to send some of these: they go over a socket.
    for (const path of ['//', '//x:99999/', '//@', '//[::1', '//%zz?query=SELECT+1', '/%zz', 'http://x/', '*'])
      expect(await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`), path).toMatch(/^HTTP\/1\.1 400/);
    expect((await curl([`${served.url}/?query=SELECT+1`])).text).toBe('1\n');
  });

  it('refuses SYSTEM SHUTDOWN to a client', async () => {
    for (const args of [['--data-binary', 'SYSTEM SHUTDOWN'], ['--data-binary', 'SYSTEM KILL']]) {
      const r = await curl([`${served.url}/`, ...args]);
      expect(r.status).not.toBe(200);
    }
    expect((await curl([`${served.url}/?query=SELECT+3`])).text).toBe('3\n');
    expect(served.child.exitCode).toBeNull();
  });

  it('survives garbage request lines and headers', async () => {
    for (const text of ['GARBAGE\r\n\r\n', 'GET /?query=SELECT+1 HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n'])
      expect(await raw(text), JSON.stringify(text)).toMatch(/^HTTP\/1\.1 400/);
    expect((await curl([`${served.url}/?query=SELECT+2`])).text).toBe('2\n');
    expect(served.child.exitCode).toBeNull();
  });
});

describe('slow clients are cut off', () => {
  let slow: WarehouseServer;
  beforeAll(async () => {
    slow = await startServer(project, { port: 0, announce: false, headersTimeoutMs: 300, idleTimeoutMs: 300 });
  });
  afterAll(() => slow?.close());

  // The socket stays open on our side: the server has to close it.
  const openSocket = (send: string) => rawExchange(slow.port, send, { end: false });

  it('closes a connection whose headers never end', async () => {
    const reply = await openSocket('GET /?query=SELECT+1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(reply).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('closes a connection whose body stalls, and an idle keep-alive connection', async () => {
    const stalled = await openSocket('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nSELECT');
    expect(stalled).not.toMatch(/^HTTP\/1\.1 200/);
    const idle = await openSocket('GET /?query=SELECT+7 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    // Answered, then closed once idle (the promise resolves on close).
    expect(idle).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\n7\n\r\n/);
  });
});

describe('tsdbt watch --serve under the same requests', () => {
  let watching: ServeChild;
  let other: InlineProject;
  beforeAll(async () => {
    other = inlineProject({ 'models/m.sql': 'select 1 as x' });
    other.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(other.dir, '.wh')}\n      schema: w\n` });
    watching = await spawnServe(CLI, ['watch', '--project-dir', other.dir, '--serve', '0']);
  });
  afterAll(async () => {
    await watching?.stop();
    other?.cleanup();
  });

  it('answers 400 to a request target that is not a path and keeps watching and serving', async () => {
    for (const path of ['//', '//x:99999/', '//@']) expect((await curl(['--path-as-is', `${watching.url}${path}`])).status, path).toBe(400);
    expect((await curl([`${watching.url}/?query=${encodeURIComponent('SELECT x FROM w.m')}`])).text).toBe('1\n');
    expect(watching.child.exitCode).toBeNull();
  });
});
