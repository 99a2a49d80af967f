import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, UsageError, type TsdbtProject, type WarehouseServer } from '../../../packages/core/src/index.js';
import { readServeInfo, serveInfoPath } from '../../../packages/core/src/adapter/serve-endpoint.js';
import { findInsertHead, outputFormatClause, statementKind } from '../../../packages/core/src/serve/sql-text.js';
import { CLI } from '../../helpers/cli.js';
import { curl, runProcess as run } from '../../helpers/serve-client.js';
import { inlineProject, WAREHOUSE_DIR, type InlineProject } from '../../helpers/inline-project.js';

/*
 * The server runs in this process (vitest forks one process per file; chDB binds one data directory
 * per process: this file's WAREHOUSE_DIR). curl, @clickhouse/client and child tsdbt processes
 * drive it. Everything here is async: a blocking call would stall the server it talks to.
 */

let p: InlineProject;
let project: TsdbtProject;
let server: WarehouseServer;
let U: string;
/** The holding process's token: what other tsdbt processes send. Protocol tests that write use it. */
let ADMIN: string[];

const q = (sql: string, extra = '') => `${U}/?query=${encodeURIComponent(sql)}${extra}`;
/** POST as a tsdbt process (token): clients of the server read only. */
const post = (sql: string, extra = '') => curl(['-X', 'POST', q(sql, extra), ...ADMIN]);


beforeAll(async () => {
  p = inlineProject({
    'models/one.sql': 'select 1 as x',
    'seeds/people.csv': 'id,name\n1,"Ann, A."\n2,Bo\n3,\n',
    'models/people_count.sql': "select count() as n from {{ ref('people') }}",
  });
  project = p.open();
  server = await startServer(project, { port: 0 });
  U = server.url;
  ADMIN = ['-H', `X-ClickHouse-Key: ${readServeInfo(WAREHOUSE_DIR)!.token}`];
}, 240_000);

afterAll(async () => {
  await server?.close();
  await project?.close();
  p?.cleanup();
});

describe('tsdbt serve: ClickHouse HTTP interface over curl', () => {
  it('advertises itself next to the data directory', () => {
    const info = readServeInfo(WAREHOUSE_DIR);
    expect(info).toMatchObject({ pid: process.pid, port: server.port, url: U, path: WAREHOUSE_DIR });
    expect(info.token.length).toBeGreaterThanOrEqual(32);
    expect(serveInfoPath(WAREHOUSE_DIR)).toBe(join(resolve(WAREHOUSE_DIR, '..'), `tsdbt-serve-${WAREHOUSE_DIR.split('/').pop()}.json`));
  });

  it('answers GET /ping and GET / with Ok.', async () => {
    for (const path of ['/ping', '/']) {
      const r = await curl([`${U}${path}`]);
      expect(r.status).toBe(200);
      expect(r.text).toBe('Ok.\n');
    }
  });

  it('runs a GET query with the ClickHouse response headers', async () => {
    const r = await curl([q("SELECT 1 AS a, 'x' AS b"), '-H', 'X-ClickHouse-User: default']);
    expect(r.status).toBe(200);
    expect(r.text).toBe('1\tx\n');
    expect(r.headers['x-clickhouse-format']).toBe('TabSeparated');
    expect(r.headers['x-clickhouse-query-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['x-clickhouse-server-display-name']).toBeTruthy();
    const summary = JSON.parse(r.headers['x-clickhouse-summary']!);
    expect(summary).toHaveProperty('read_rows');
    expect(summary).toHaveProperty('elapsed_ns');
  });

  it('echoes query_id', async () => {
    const r = await curl([q('SELECT 1', '&query_id=my-query-1')]);
    expect(r.headers['x-clickhouse-query-id']).toBe('my-query-1');
  });

  it('takes the query from the POST body, and joins the query parameter with the body', async () => {
    expect((await curl([`${U}/`, '--data-binary', 'SELECT 40 + 2'])).text).toBe('42\n');
    expect((await curl([q('SELECT 1 +'), '--data-binary', '2'])).text).toBe('3\n');
  });

  it('honours FORMAT in the query and default_format', async () => {
    const a = await curl([q('SELECT number AS n FROM numbers(2) FORMAT JSONEachRow')]);
    expect(a.text).toBe('{"n":0}\n{"n":1}\n');
    expect(a.headers['x-clickhouse-format']).toBe('JSONEachRow');
    expect(a.headers['content-type']).toMatch(/ndjson/);
    const b = await curl([q('SELECT number AS n FROM numbers(2)', '&default_format=CSVWithNames')]);
    expect(b.text).toBe('"n"\n0\n1\n');
    expect(b.headers['x-clickhouse-format']).toBe('CSVWithNames');
    const c = await curl([q('SELECT 1 AS one', '&default_format=JSON')]);
    expect(JSON.parse(c.text).data).toEqual([{ one: 1 }]);
  });

  it('uses the database parameter for unqualified names, without leaking it to later requests', async () => {
    expect((await post('CREATE DATABASE IF NOT EXISTS serve_db')).status).toBe(200);
    expect((await post('CREATE TABLE serve_db.things (id UInt32) ENGINE = MergeTree ORDER BY id')).status).toBe(200);
    await post('INSERT INTO serve_db.things VALUES (1), (2)');
    expect((await curl([q('SELECT count() FROM things', '&database=serve_db')])).text).toBe('2\n');
    expect((await curl([q('SELECT currentDatabase()')])).text).toBe('default\n');
  });

  it('applies settings given as URL parameters to that request only', async () => {
    const base = (await curl([q("SELECT getSetting('max_block_size')")])).text;
    expect((await curl([q("SELECT getSetting('max_block_size')", '&max_block_size=1234')])).text).toBe('1234\n');
    expect((await curl([q("SELECT getSetting('max_block_size')")])).text).toBe(base);
    const bad = await curl([q('SELECT 1', '&no_such_setting=1')]);
    expect(bad.headers['x-clickhouse-exception-code']).toBe('115');
  });

  it('keeps SET statements for later requests of the same session_id, and only there', async () => {
    // Sessions belong to one role: these are a tsdbt process's (token), GETs included.
    const get = (extra = '') => curl([q("SELECT getSetting('max_block_size')", extra), ...ADMIN]).then((r) => r.text);
    const base = await get();
    expect((await post('SET max_block_size = 777', '&session_id=s-one')).status).toBe(200);
    expect(await get('&session_id=s-one')).toBe('777\n');
    expect(await get('&session_id=s-two')).toBe(base);
    expect(await get()).toBe(base);
    // A URL setting on a session request is for that query; the session's own SET stays.
    expect(await get('&session_id=s-one&max_block_size=5')).toBe('5\n');
    expect(await get('&session_id=s-one')).toBe('777\n');
    // A SET without a session does not stick to a pooled connection.
    await post('SET max_block_size = 999');
    expect(await get()).toBe(base);
    const missing = await curl([q('SELECT 1', '&session_id=never-made&session_check=1')]);
    expect(missing.headers['x-clickhouse-exception-code']).toBe('372');
  });

  it('answers errors as ClickHouse does: status, code header and body', async () => {
    const unknown = await curl([q('SELECT * FROM no_such_table')]);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-clickhouse-exception-code']).toBe('60');
    expect(unknown.text).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version [\d.]+\)\n$/s);
    const syntax = await curl([q('SELEC 1')]);
    expect(syntax.status).toBe(400);
    expect(syntax.headers['x-clickhouse-exception-code']).toBe('62');
    expect(syntax.text).toMatch(/^Code: 62\. DB::Exception: Syntax error/);
    const readonly = await curl([q('CREATE TABLE ro (x UInt8) ENGINE = Memory')]);
    expect(readonly.status).toBe(500);
    expect(readonly.headers['x-clickhouse-exception-code']).toBe('164');
    expect(readonly.text).toMatch(/method GET implies readonly/);
    const empty = await curl([`${U}/`, '-X', 'POST']);
    expect(empty.headers['x-clickhouse-exception-code']).toBe('62');
  });

  it('appends an exception block to a streamed result that fails midway', async () => {
    // A client's query cannot change settings itself (readonly = 1): the block size comes as a URL parameter.
    const r = await curl([q("SELECT number, throwIf(number = 150000, 'boom') FROM numbers(200000)", '&max_block_size=1000')]);
    expect(r.status).toBe(200);
    const tag = r.headers['x-clickhouse-exception-tag']!;
    expect(tag).toBeTruthy();
    expect(r.text).toMatch(new RegExp(`\\r\\n__exception__\\r\\n${tag}\\r\\nCode: 395\\. DB::Exception: boom[\\s\\S]*\\n\\d+ ${tag}\\r\\n__exception__\\r\\n$`));
  });

  it('inserts CSV from the body, with the statement in the URL or in the body', async () => {
    await post('CREATE TABLE ins (id UInt32, name String, score Float64) ENGINE = MergeTree ORDER BY id');
    const csv = 'id,name,score\n1,"Ann, A.",1.5\n2,Bo,2\n';
    const a = await curl([q('INSERT INTO ins FORMAT CSVWithNames'), ...ADMIN, '--data-binary', '@-'], csv);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.headers['x-clickhouse-summary']!).written_rows).toBe('2');
    const b = await curl([`${U}/`, ...ADMIN, '--data-binary', '@-'], 'INSERT INTO ins FORMAT CSV\n3,Cy,3\n');
    expect(b.status).toBe(200);
    const c = await curl([q('INSERT INTO `default`.`ins` (id, name) FORMAT TSV'), ...ADMIN, '--data-binary', '@-'], '4\tDi\n');
    expect(c.status).toBe(200);
    const d = await curl([q('INSERT INTO ins VALUES'), ...ADMIN, '--data-binary', "(5, 'Ed', 5)"]);
    expect(d.status).toBe(200);
    expect((await curl([q('SELECT id, name, score FROM ins ORDER BY id FORMAT CSV')])).text).toBe('1,"Ann, A.",1.5\n2,"Bo",2\n3,"Cy",3\n4,"Di",0\n5,"Ed",5\n');
    const bad = await curl([q('INSERT INTO ins FORMAT CSV'), ...ADMIN, '--data-binary', '@-'], 'x,y,z\n');
    expect(bad.status).toBe(400);
    expect(Number(bad.headers['x-clickhouse-exception-code'])).toBeGreaterThan(0);
  });

  it('reads gzip request bodies and gzips responses when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-serve-gz-'));
    const file = join(dir, 'q.gz');
    writeFileSync(file, gzipSync('SELECT 6 * 7'));
    const a = await curl([`${U}/`, '-H', 'Content-Encoding: gzip', '--data-binary', `@${file}`]);
    expect(a.text).toBe('42\n');
    const b = await curl([q('SELECT number FROM numbers(1000)', '&enable_http_compression=1'), '-H', 'Accept-Encoding: gzip']);
    expect(b.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(b.body).toString().split('\n')).toHaveLength(1001);
    const plain = await curl([q('SELECT 1'), '-H', 'Accept-Encoding: gzip']);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const c = await curl(['--compressed', q('SELECT 2', '&enable_http_compression=1')]);
    expect(c.text).toBe('2\n');
    const broken = await curl([`${U}/`, '-H', 'Content-Encoding: gzip', '--data-binary', 'not gzip']);
    expect(broken.status).toBe(400);
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a large select in chunks', async () => {
    const r = await curl([q('SELECT number, toString(number) FROM numbers(2000000)')]);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const lines = r.text.split('\n');
    expect(lines).toHaveLength(2_000_001);
    expect(lines[1_999_999]).toBe('1999999\t1999999');
  });

  it('sends the first rows of an endless select at once and stops when the client leaves', async () => {
    // No clock: the first rows arrive while the statement still runs (it never ends on its own),
    // and once the client leaves the statement is gone from system.processes.
    const marker = `endless_${process.pid}_${Date.now()}`;
    // concat(): the lookup's own text must not hold the marker.
    const running = async () => Number((await curl([q(`SELECT count() FROM system.processes WHERE position(query, concat('${marker.slice(0, 4)}', '${marker.slice(4)}')) > 0`), ...ADMIN])).text.trim());
    const first = await new Promise<{ headers: Record<string, unknown>; bytes: number; runningThen: number }>((done, fail) => {
      const req = request(q(`SELECT number AS ${marker} FROM numbers(10000000000)`), (res) => {
        res.once('data', (chunk: Buffer) => {
          res.pause();
          running().then((runningThen) => {
            done({ headers: res.headers, bytes: chunk.length, runningThen });
            req.destroy();
          }, fail);
        });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : fail(e)));
      req.end();
    });
    expect(first.bytes).toBeGreaterThan(0);
    expect(first.headers['transfer-encoding']).toBe('chunked');
    expect(first.runningThen).toBe(1);
    while ((await running()) !== 0) await new Promise((r) => setTimeout(r, 50));
    // The cancelled stream gave its connection back: the pool still serves queries.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => curl([q(`SELECT ${i}`)]).then((r) => r.text)));
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => `${i}\n`));
  });
});

describe('tsdbt serve: credentials', () => {
  let secured: WarehouseServer;
  beforeAll(async () => {
    secured = await startServer({ target: { ...project.target, user: 'alice', password: 's3cret' } }, { port: 0, announce: false });
  });
  afterAll(() => secured?.close());

  it('answers 401 with code 516 without the right credentials', async () => {
    for (const extra of [[], ['-u', 'alice:wrong'], ['-H', 'X-ClickHouse-User: bob', '-H', 'X-ClickHouse-Key: s3cret']]) {
      const r = await curl([`${secured.url}/?query=SELECT+1`, ...extra]);
      expect(r.status).toBe(401);
      expect(r.headers['x-clickhouse-exception-code']).toBe('516');
      expect(r.text).toMatch(/^Code: 516\. DB::Exception: \w+: Authentication failed: .*\(AUTHENTICATION_FAILED\)/);
    }
  });

  it('accepts X-ClickHouse-User/Key, basic auth and user/password parameters', async () => {
    expect((await curl([`${secured.url}/?query=SELECT+1`, '-H', 'X-ClickHouse-User: alice', '-H', 'X-ClickHouse-Key: s3cret'])).text).toBe('1\n');
    expect((await curl([`${secured.url}/?query=SELECT+2`, '-u', 'alice:s3cret'])).text).toBe('2\n');
    expect((await curl([`${secured.url}/?query=SELECT+3&user=alice&password=s3cret`])).text).toBe('3\n');
    // Health checks need no credentials.
    expect((await curl([`${secured.url}/ping`])).status).toBe(200);
  });

  it('refuses a non-loopback address without a password', async () => {
    await expect(startServer(project, { port: 0, host: '0.0.0.0', announce: false })).rejects.toThrow(UsageError);
    await expect(startServer(project, { port: 0, host: '0.0.0.0', announce: false })).rejects.toThrow(/without a password/);
    const open = await startServer({ target: { ...project.target, password: 'pw' } }, { port: 0, host: '0.0.0.0', announce: false });
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await open.close();
  });
});

describe('tsdbt serve: @clickhouse/client over HTTP', () => {
  let client: ClickHouseClient;
  beforeAll(() => {
    // As a tsdbt process connects: with the holding process's token as the password.
    client = createClient({ url: U, password: readServeInfo(WAREHOUSE_DIR)!.token, request_timeout: 60_000, log: { level: ClickHouseLogLevel.OFF } });
  });
  afterAll(() => client?.close());

  it('pings', async () => {
    expect((await client.ping()).success).toBe(true);
  });

  it('queries JSONEachRow, with query_params and settings', async () => {
    const rs = await client.query({ query: 'SELECT number AS n, toString(number) AS s FROM numbers(3)', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ n: 0, s: '0' }, { n: 1, s: '1' }, { n: 2, s: '2' }]);
    const bound = await client.query({
      query: 'SELECT {a: UInt32} * 2 AS v, {s: String} AS s, {arr: Array(String)} AS arr',
      query_params: { a: 21, s: "it's\ta\\test", arr: ['x', 'y'] },
      format: 'JSONEachRow',
    });
    expect(await bound.json()).toEqual([{ v: 42, s: "it's\ta\\test", arr: ['x', 'y'] }]);
    const set = await client.query({
      query: "SELECT getSetting('max_block_size') AS m, toUInt64(5) AS u",
      format: 'JSONEachRow',
      clickhouse_settings: { max_block_size: '4321', output_format_json_quote_64bit_integers: 1 },
    });
    expect(await set.json()).toEqual([{ m: 4321, u: '5' }]);
    const id = await client.query({ query: 'SELECT 1', format: 'JSONEachRow', query_id: 'client-qid' });
    expect(id.query_id).toBe('client-qid');
  });

  it('runs commands, inserts rows and streams, and exec', async () => {
    await client.command({ query: 'CREATE TABLE cli_t (id UInt32, name String) ENGINE = MergeTree ORDER BY id' });
    await client.insert({ table: 'cli_t', values: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], format: 'JSONEachRow' });
    await client.insert({ table: 'cli_t', values: Readable.from([Buffer.from('3,c\n'), Buffer.from('4,d\n')], { objectMode: false }), format: 'CSV' });
    await client.insert({ table: 'cli_t', values: Readable.from([{ id: 5, name: 'e' }], { objectMode: true }), format: 'JSONEachRow' });
    const rows = await (await client.query({ query: 'SELECT id, name FROM cli_t ORDER BY id', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }, { id: 4, name: 'd' }, { id: 5, name: 'e' }]);
    const exec = await client.exec({ query: 'SELECT count() FROM cli_t FORMAT TabSeparated' });
    let text = '';
    for await (const chunk of exec.stream) text += chunk;
    expect(text).toBe('5\n');
  });

  it('keeps a session across calls', async () => {
    await client.command({ query: 'SET max_block_size = 555', session_id: 'client-session' });
    const rs = await client.query({ query: "SELECT getSetting('max_block_size') AS m", format: 'JSONEachRow', session_id: 'client-session' });
    expect(await rs.json()).toEqual([{ m: 555 }]);
    await client.command({ query: 'CREATE TEMPORARY TABLE tmp_rows (x UInt8)', session_id: 'client-session' });
    await client.command({ query: 'INSERT INTO tmp_rows VALUES (1), (2)', session_id: 'client-session' });
    expect(await (await client.query({ query: 'SELECT sum(x) AS s FROM tmp_rows', format: 'JSONEachRow', session_id: 'client-session' })).json()).toEqual([{ s: 3 }]);
  });

  it('streams a large result and surfaces errors as ClickHouseError', async () => {
    const rs = await client.query({ query: 'SELECT number FROM numbers(300000)', format: 'JSONCompactEachRow' });
    let count = 0;
    for await (const batch of rs.stream()) count += batch.length;
    expect(count).toBe(300_000);
    await expect(client.query({ query: 'SELECT * FROM no_such_table', format: 'JSONEachRow' })).rejects.toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    const failing = await client.query({ query: "SELECT number, throwIf(number = 150000, 'late boom') AS t FROM numbers(200000) SETTINGS max_block_size = 1000", format: 'JSONEachRow' });
    await expect(failing.json()).rejects.toThrow(/late boom/);
  });

  it('works with request and response compression', async () => {
    const gz = createClient({ url: U, password: readServeInfo(WAREHOUSE_DIR)!.token, compression: { request: true, response: true }, log: { level: ClickHouseLogLevel.OFF } });
    await gz.insert({ table: 'cli_t', values: [{ id: 6, name: 'f' }], format: 'JSONEachRow' });
    expect(await (await gz.query({ query: 'SELECT count() AS c FROM cli_t', format: 'JSONEachRow' })).json()).toEqual([{ c: 6 }]);
    await gz.close();
  });
});

describe('tsdbt serve: other tsdbt processes use the endpoint', () => {
  it('runs `tsdbt show` in a child process through the server holding the data directory', async () => {
    const r = await run(process.execPath, [CLI, 'show', '--inline', 'select 41 + 1 as answer', '--output', 'json', '--project-dir', p.dir, '--no-color'], { cwd: p.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim()).show).toEqual([{ answer: 42 }]);
    // build: seeds stream in over HTTP (insertStream), models and tests run as commands.
    const b = await run(process.execPath, [CLI, 'build', '--project-dir', p.dir, '--no-color'], { cwd: p.dir });
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect((await curl([q(`SELECT x FROM ${p.schema}.one`)])).text).toBe('1\n');
    expect((await curl([q(`SELECT name FROM ${p.schema}.people ORDER BY id FORMAT CSV`)])).text).toBe('"Ann, A."\n"Bo"\n\\N\n');
    expect((await curl([q(`SELECT n FROM ${p.schema}.people_count`)])).text).toBe('3\n');
  });

  it('runs `tsdbt serve` as a command, refuses a second one, and cleans up on SIGTERM', async () => {
    const other = inlineProject({ 'models/m.sql': 'select 7 as seven' });
    const warehouse = mkdtempSync(join(tmpdir(), 'tsdbt-serve-cli-'));
    const dataPath = join(warehouse, 'chdb');
    other.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${dataPath}\n      schema: default\n` });
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project-dir', other.dir, '--log-format', 'json'], { cwd: other.dir });
    let stdout = '';
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        const m = /"url":"([^"]+)"/.exec(stdout);
        if (m) done(m[1]!);
      });
      child.on('close', (code) => fail(new Error(`serve exited ${code}: ${stdout}`)));
    });
    expect((await curl([`${url}/?query=SELECT+version()`])).status).toBe(200);
    expect(readServeInfo(dataPath)?.pid).toBe(child.pid);
    const second = await run(process.execPath, [CLI, 'serve', '--port', '0', '--project-dir', other.dir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/served by process \d+/);
    const show = await run(process.execPath, [CLI, 'show', '--inline', 'select 7 as seven', '--output', 'json', '--project-dir', other.dir]);
    expect(JSON.parse(show.stdout.trim()).show).toEqual([{ seven: 7 }]);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(serveInfoPath(dataPath))).toBe(false);
    other.cleanup();
    rmSync(warehouse, { recursive: true, force: true });
  });
});

describe('serve: statement analysis', () => {
  it('finds the kind, the output FORMAT and INSERT heads outside literals and comments', () => {
    expect(statementKind('  -- hi\n (SELECT 1)')).toBe('SELECT');
    expect(statementKind('/* x */ insert into t values (1)')).toBe('INSERT');
    expect(outputFormatClause("SELECT 'FORMAT CSV' FORMAT JSONEachRow")).toBe('JSONEachRow');
    expect(outputFormatClause("SELECT 'x FORMAT CSV'")).toBeUndefined();
    expect(outputFormatClause('SELECT 1 FORMAT CSV SETTINGS max_threads = 1;')).toBe('CSV');
    const text = 'INSERT INTO `db`.`t` (a, `b`) FORMAT CSVWithNames\na,b\n1,2\n';
    const head = findInsertHead(text, true)!;
    expect(head).toMatchObject({ format: 'CSVWithNames', statement: 'INSERT INTO `db`.`t` (a, `b`) FORMAT CSVWithNames' });
    expect(text.slice(head.dataOffset)).toBe('a,b\n1,2\n');
    expect(findInsertHead("INSERT INTO t (values_x) SETTINGS a = 'FORMAT' VALUES (1)", true)).toMatchObject({ format: 'Values', statement: "INSERT INTO t (values_x) SETTINGS a = 'FORMAT' VALUES" });
    expect(findInsertHead('INSERT INTO t SELECT * FROM values(1, 2)', true)).toBeUndefined();
    expect(findInsertHead('INSERT INTO t WITH 1 AS x SELECT x FORMAT CSV', true)).toBeUndefined();
    // On the start of a body, a format name that may go on is not reported yet.
    expect(findInsertHead('INSERT INTO t FORMAT CS', false)).toBeUndefined();
    expect(findInsertHead('INSERT INTO t FORMAT CSV\n', false)?.format).toBe('CSV');
    expect(findInsertHead('INSERT INTO t FORMAT CSV', true)?.format).toBe('CSV');
  });
});
