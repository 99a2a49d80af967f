import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse clickhouse/test_clickhouse_s3.py: the `clickhouse_s3source(config_name, …)` macro is
 * ClickHouse's s3() table function, its arguments completed from the project var and the model's
 * config named `config_name`. The compile-only classes (TestS3AwsAccessGlobal, TestS3RoleArnGlobal,
 * TestS3ExternalId) are upstream's as written. TestS3 reads a public bucket upstream; here the same
 * models and command sequence read gzipped TSV files from a local plain-HTTP endpoint (a child
 * process: chDB's reads would block a server in this one), with an `http://` bucket as a MinIO user
 * writes it — dbt-clickhouse would make it `https://http:/…`.
 */

const SCHEMA_YML = `
version: 2

models:
  - name: s3_taxis_source
    description: NY Taxi dataset from S3
    config:
      materialized: table
      order_by: pickup_datetime
      unique_id: trip_id
      taxi_s3:
        structure:
          - 'trip_id UInt32'
          - 'pickup_datetime DateTime'
  - name: s3_taxis_inc
`;
const S3_TAXIS_SOURCE = "\nselect * from {{ clickhouse_s3source('taxi_s3', path='/trips_4.gz') }} LIMIT 5000\n";
const S3_TAXIS_FULL_SOURCE = "\nselect * from {{ clickhouse_s3source('taxi_s3', path='/trips_5.gz') }} LIMIT 1000\n";
const S3_TAXIS_EXTERNAL_ID_SOURCE = "\nselect * from {{ clickhouse_s3source('taxi_s3', path='/trips_5.gz', external_id='my-external-id') }} LIMIT 1000\n";
const S3_TAXIS_INC = `
{{ config(
    materialized='incremental',
    order_by='pickup_datetime',
    incremental_strategy='delete+insert',
    unique_key='trip_id',
    taxi_s3={"structure":['trip_id UInt32', 'pickup_datetime DateTime', 'passenger_count UInt8']}
    )
}}

{% if is_incremental() %}
  select * from {{ clickhouse_s3source('taxi_s3', path='/trips_4.gz') }}
    where pickup_datetime > (SELECT addDays(max(pickup_datetime), -2) FROM s3_taxis_inc)
{% else %}
  select trip_id, pickup_datetime, toUInt8(0) as passenger_count from s3_taxis_source
{% endif %}
LIMIT 5000
`;

const BUCKET = 'https://datasets-documentation.s3.eu-west-3.amazonaws.com/nyc-taxi/';
const taxiVars = (extra: string) => `vars:\n  taxi_s3:\n    bucket: '${BUCKET}'\n    fmt: 'TabSeparatedWithNames'\n${extra}`;

async function compiled(vars: string, model: string): Promise<string> {
  const p = dbtProject({ models: { 's3_taxis_source.sql': model, 'schema.yml': SCHEMA_YML }, projectConfig: vars });
  await p.dbt(['compile', '--select', 's3_taxis_source.sql']);
  return readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 's3_taxis_source.sql'), 'utf8');
}

describe('dbt-clickhouse test_clickhouse_s3 (clickhouse_s3source)', () => {
  it('TestS3AwsAccessGlobal: the key pair of the project var goes into s3()', async () => {
    const sql = await compiled(taxiVars("    aws_access_key_id: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'\n    aws_secret_access_key: '1234567890123456789012345678901234567890'\n"), S3_TAXIS_FULL_SOURCE);
    expect(sql).toContain(", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '1234567890123456789012345678901234567890'");
    expect(sql).toContain(
      "s3('https://datasets-documentation.s3.eu-west-3.amazonaws.com/nyc-taxi/trips_5.gz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '1234567890123456789012345678901234567890', 'TabSeparatedWithNames', 'trip_id UInt32,pickup_datetime DateTime')",
    );
  });

  it('TestS3RoleArnGlobal / TestS3ExternalId: extra_credentials(role_arn=…[, external_id=…])', async () => {
    const role = taxiVars("    role_arn: 'arn:aws:iam::123456789012:role/my-role'\n");
    expect(await compiled(role, S3_TAXIS_FULL_SOURCE)).toContain("extra_credentials(role_arn='arn:aws:iam::123456789012:role/my-role')");
    expect(await compiled(role, S3_TAXIS_EXTERNAL_ID_SOURCE)).toContain("extra_credentials(role_arn='arn:aws:iam::123456789012:role/my-role', external_id='my-external-id')");
  });

  it("dbt-clickhouse's errors: a config name not ending in s3, half a key pair, external_id without role_arn", async () => {
    // Each raises while the project parses (as in dbt): one project each.
    const out = async (name: string, sql: string) => {
      const p = dbtProject({ models: { [`${name}.sql`]: sql }, projectConfig: taxiVars('') });
      return (await p.dbt(['compile', '--select', name], { expectPass: false })).out.join('\n');
    };
    expect(await out('bad_name', "select * from {{ clickhouse_s3source('taxis', path='/a.gz') }}\n")).toContain("S3 configuration should end with 's3'");
    const half = await out('half_pair', "select * from {{ clickhouse_s3source('taxi_s3', path='/a.gz', aws_access_key_id='K') }}\n");
    expect(half).toContain('S3 aws_access_key_id specified without aws_secret_access_key');
    expect(await out('no_role', "select * from {{ clickhouse_s3source('taxi_s3', path='/a.gz', external_id='x') }}\n")).toContain('S3 external_id specified without role_arn');
  });

  it('the structure as a mapping or a string, compression (with an empty structure when none), a quote in a structure', async () => {
    const p = dbtProject({
      models: {
        'm.sql':
          "select 1 from {{ clickhouse_s3source(bucket='b/', path='x.csv', fmt='CSV', structure={'a': 'Int32', 'b': 'String'}) }}," +
          " {{ clickhouse_s3source(bucket='b', path='x.csv.zst', fmt='CSV', compression='zstd') }}," +
          " {{ clickhouse_s3source(bucket='https://h/b', path='x', fmt='CSV', structure=\"e Enum8('a' = 1)\") }}\n",
      },
    });
    await p.dbt(['compile', '--select', 'm']);
    const sql = readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 'm.sql'), 'utf8');
    expect(sql).toContain("s3('https://b/x.csv', 'CSV', 'a Int32,b String')");
    expect(sql).toContain("s3('https://b/x.csv.zst', 'CSV', '', 'zstd')");
    expect(sql).toContain("s3('https://h/b/x', 'CSV','e Enum8(\\'a\\' = 1)')");
  });

  describe('TestS3: a table and a delete+insert incremental read from an S3 endpoint', () => {
    let server: ChildProcess;
    let dir: string;
    let port = 0;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tsdbt-s3-'));
      // 6000 trips, one every 10 minutes from 2024-01-01, 1-4 passengers each.
      const start = Date.UTC(2024, 0, 1) / 1000;
      const rows = Array.from({ length: 6000 }, (_, i) => `${i + 1}\t${new Date((start + i * 600) * 1000).toISOString().slice(0, 19).replace('T', ' ')}\t${(i % 4) + 1}`);
      writeFileSync(join(dir, 'trips_4.gz'), gzipSync(`trip_id\tpickup_datetime\tpassenger_count\n${rows.join('\n')}\n`));
      const script = `
        const { createServer } = require('node:http'); const { readFileSync } = require('node:fs');
        const srv = createServer((req, res) => {
          let body; try { body = readFileSync(${JSON.stringify(dir)} + '/' + req.url.split('?')[0].replace(/^\\/bucket\\//, '')); } catch { res.writeHead(404); return res.end(); }
          res.writeHead(200, { 'Content-Length': body.length, 'Last-Modified': new Date(0).toUTCString(), ETag: '"1"' });
          res.end(req.method === 'HEAD' ? undefined : body);
        });
        srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));`;
      server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      port = await new Promise<number>((resolve, reject) => {
        server.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
        server.once('exit', (code) => reject(new Error(`the S3 endpoint exited (${code})`)));
      });
    });
    afterAll(() => {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('test_s3_incremental: 5000 rows, then 5000 with no passengers, then more rows with passengers', async () => {
      const p = dbtProject({
        models: { 's3_taxis_source.sql': S3_TAXIS_SOURCE, 's3_taxis_inc.sql': S3_TAXIS_INC, 'schema.yml': SCHEMA_YML },
        projectConfig: `vars:\n  taxi_s3:\n    bucket: 'http://127.0.0.1:${port}/bucket/'\n    fmt: 'TabSeparatedWithNames'\n`,
      });
      await p.dbt(['run', '--select', 's3_taxis_source.sql']);
      expect(await p.query('select toInt32(count()) as num_rows from {schema}.s3_taxis_source')).toEqual([{ num_rows: 5000 }]);

      await p.dbt(['run', '--select', 's3_taxis_inc.sql']);
      expect(await p.query('select toInt32(count()) as n, toInt32(sum(passenger_count)) as num_rows from {schema}.s3_taxis_inc')).toEqual([{ n: 5000, num_rows: 0 }]);

      await p.dbt(['run', '--select', 's3_taxis_inc.sql']);
      const [after] = await p.query<{ n: number; num_rows: number }>('select toInt32(count()) as n, toInt32(sum(passenger_count)) as num_rows from {schema}.s3_taxis_inc');
      expect(after!.n).toBeGreaterThan(5000);
      expect(after!.n).toBeLessThan(10000);
      expect(after!.num_rows).toBeGreaterThan(0);
      // delete+insert on trip_id: each trip once
      expect(await p.query('select toInt32(count()) as dup from (select trip_id from {schema}.s3_taxis_inc group by trip_id having count() > 1)')).toEqual([{ dup: 0 }]);
    });
  });
});
