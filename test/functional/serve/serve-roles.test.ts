import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, UsageError, type TsdbtProject, type WarehouseServer } from '../../../packages/core/src/index.js';
import { readServeInfo, serveInfoPath } from '../../../packages/core/src/adapter/serve-endpoint.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, queryRows, WAREHOUSE_DIR, type InlineProject } from '../../helpers/inline-project.js';
import { curl, runProcess } from '../../helpers/serve-client.js';

/*
 * Who may do what on tsdbt serve: clients that may write (--allow-writes, password required), and
 * the holding process's own token (what other tsdbt processes on the same target use).
 */

let p: InlineProject;
let project: TsdbtProject;
let writers: WarehouseServer;
let dir: string;
let secret: string;
const AUTH = ['-u', 'alice:s3cret'];

const code = (r: { headers: Record<string, string> }) => r.headers['x-clickhouse-exception-code'];

beforeAll(async () => {
  p = inlineProject({ 'models/one.sql': 'select 1 as x' });
  project = p.open();
  dir = mkdtempSync(join(tmpdir(), 'tsdbt-roles-'));
  secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'the-secret-content\n');
  writers = await startServer({ target: { ...project.target, user: 'alice', password: 's3cret' } }, { port: 0, allowWrites: true, allowOrigins: ['http://bi.example:3000'] });
}, 240_000);

afterAll(async () => {
  await writers?.close();
  await project?.close();
  p?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tsdbt serve --allow-writes', () => {
  const post = (sql: string, extra: string[] = []) => curl([`${writers.url}/`, ...AUTH, ...extra, '--data-binary', sql]);

  it('refuses to start without a password on the target', async () => {
    await expect(startServer(project, { port: 0, allowWrites: true, announce: false })).rejects.toThrow(UsageError);
    await expect(startServer(project, { port: 0, allowWrites: true, announce: false })).rejects.toThrow(/password/);
    const r = await runProcess(process.execPath, [CLI, 'serve', '--port', '0', '--allow-writes', '--project-dir', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-writes/);
  });

  it('lets a client with the password change the warehouse over POST; GET stays read-only', async () => {
    expect((await post('CREATE DATABASE IF NOT EXISTS w')).status).toBe(200);
    expect((await post('CREATE TABLE w.t (s String) ENGINE = MergeTree ORDER BY s')).status).toBe(200);
    expect((await post("INSERT INTO w.t VALUES ('a')")).status).toBe(200);
    const get = await curl([`${writers.url}/?query=${encodeURIComponent("INSERT INTO w.t VALUES ('b')")}`, ...AUTH]);
    expect(code(get)).toBe('164');
    expect((await curl([`${writers.url}/?query=SELECT+1`])).status).toBe(401);
    expect(await queryRows(project, 'SELECT s FROM w.t')).toEqual([{ s: 'a' }]);
  });

  it('still refuses SYSTEM, KILL, INTO OUTFILE and the file() function to such a client', async () => {
    for (const sql of ['SYSTEM DROP DNS CACHE', 'KILL QUERY WHERE 1', `SELECT 1 INTO OUTFILE '${join(dir, 'out.txt')}'`, `SELECT file('${secret}')`]) {
      const r = await post(sql);
      expect(code(r), sql).toBe('497');
      expect(r.text, sql).not.toContain('the-secret-content');
    }
  });

  it('takes INSERT data as data: a blank line or a semicolon in it starts no second statement', async () => {
    await post('CREATE TABLE w.d (s String) ENGINE = MergeTree ORDER BY s');
    const tsv = await curl([`${writers.url}/?query=${encodeURIComponent('INSERT INTO w.d FORMAT TSV')}`, ...AUTH, '--data-binary', '@-'], 'one\n\nDROP TABLE w.d\n');
    expect(tsv.status).toBe(200);
    // ClickHouse's Values format stops at the ';' and ignores the rest: data, never a statement.
    expect((await post("INSERT INTO w.d VALUES ('two'); DROP TABLE w.d")).status).toBe(200);
    const csv = await curl([`${writers.url}/?query=${encodeURIComponent('INSERT INTO w.d FORMAT CSV')}`, ...AUTH, '--data-binary', '@-'], '"multi\n\nline"\n');
    expect(csv.status).toBe(200);
    const rows = (await queryRows<{ s: string }>(project, 'SELECT s FROM w.d ORDER BY s')).map((r) => r.s);
    expect(rows).toEqual(['', 'DROP TABLE w.d', 'multi\n\nline', 'one', 'two']);
  });

  it('keeps the insert forms clients use: header names out of order, a column list, SETTINGS, RowBinary', async () => {
    await post('CREATE TABLE w.f (id UInt32, name String, score Float64 DEFAULT 9) ENGINE = MergeTree ORDER BY id');
    const ins = (head: string, data: Buffer | string) => curl([`${writers.url}/?query=${encodeURIComponent(head)}`, ...AUTH, '--data-binary', '@-'], data);
    expect((await ins('INSERT INTO w.f FORMAT CSVWithNames', 'name,id,score\nAnn,1,1.5\n')).status).toBe(200);
    expect((await ins('INSERT INTO w.f (id, name) FORMAT TSV', '2\tBo\n')).status).toBe(200);
    expect((await ins('INSERT INTO w.f SETTINGS input_format_skip_unknown_fields = 1 FORMAT JSONEachRow', '{"id":3,"name":"Cy","extra":1}\n')).status).toBe(200);
    const rowBinary = Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.from([2]), Buffer.from('Di'), Buffer.alloc(8)]);
    rowBinary.writeDoubleLE(4.5, 7);
    expect((await ins('INSERT INTO w.f FORMAT RowBinary', rowBinary)).status).toBe(200);
    expect(await queryRows(project, 'SELECT id, name, score FROM w.f ORDER BY id')).toEqual([
      { id: 1, name: 'Ann', score: 1.5 },
      { id: 2, name: 'Bo', score: 9 },
      { id: 3, name: 'Cy', score: 9 },
      { id: 4, name: 'Di', score: 4.5 },
    ]);
  });

  it('answers CORS only for an origin named by --allow-origin, never with *', async () => {
    const allowed = await curl([`${writers.url}/?query=SELECT+1`, ...AUTH, '-H', 'Origin: http://bi.example:3000']);
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://bi.example:3000');
    expect(allowed.headers['vary']).toMatch(/Origin/);
    const pre = await curl(['-X', 'OPTIONS', `${writers.url}/`, '-H', 'Origin: http://bi.example:3000', '-H', 'Access-Control-Request-Method: POST']);
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://bi.example:3000');
    const other = await curl([`${writers.url}/?query=SELECT+1`, ...AUTH, '-H', 'Origin: http://bi.example:3001']);
    expect(other.status).toBe(403);
  });
});

describe("the holding process's token", () => {
  let announced: WarehouseServer;
  beforeAll(async () => {
    announced = await startServer(project, { port: 0 });
  });
  afterAll(() => announced?.close());

  it('is written with mode 0600 next to the data directory', () => {
    const info = readServeInfo(WAREHOUSE_DIR)!;
    expect(info.pid).toBe(process.pid);
    expect(info.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(statSync(serveInfoPath(WAREHOUSE_DIR)).mode & 0o777).toBe(0o600);
  });

  it('grants what the process itself may do, one statement at a time', async () => {
    const info = readServeInfo(WAREHOUSE_DIR)!;
    const admin = ['-H', 'X-ClickHouse-User: default', '-H', `X-ClickHouse-Key: ${info.token}`];
    const read = await curl([`${info.url}/`, ...admin, '--data-binary', `SELECT * FROM file('${secret}', 'LineAsString')`]);
    expect(read.text).toBe('the-secret-content\n');
    expect((await curl([`${info.url}/`, ...admin, '--data-binary', 'SYSTEM DROP DNS CACHE'])).status).toBe(200);
    expect((await curl([`${info.url}/`, ...admin, '--data-binary', 'SELECT 1; SELECT 2'])).status).toBe(400);
    const wrong = await curl([`${info.url}/`, '-H', 'X-ClickHouse-User: default', '-H', `X-ClickHouse-Key: ${info.token}x`, '--data-binary', 'SELECT 1']);
    expect(wrong.status).toBe(401);
  });
});
