import { describe, expect, it } from 'vitest';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * `tsdbt validate` with a server target (Debian's 18.16): the scratch warehouse is the embedded
 * engine in a process of its own whatever the target; the sources' columns come from the server
 * (which has no system.columns.position: DESCRIBE per table instead).
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: validate', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  it('reads source columns from the server and checks the models against them', async () => {
    const { p, project } = setup({
      'sources.yml': 'version: 2\nsources:\n  - name: app\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n',
      'models/daily.sql': "select toDate(ts) as day, count() as n, sum(amount) as total from {{ source('app', 'events') }} group by day\n",
      'models/broken.sql': "select user_idd from {{ source('app', 'events') }}\n",
    });
    await suite.server.query(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await suite.server.query(`CREATE TABLE ${p.schema}.events (ts DateTime, user_id UInt64, amount Decimal(12, 2), kind String DEFAULT 'x', day_alias Date ALIAS toDate(ts)) ENGINE = MergeTree ORDER BY ts`);
    const analysis = await project.validate();
    expect(analysis.nodes.get('source.proj.app.events')!.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'ts DateTime', 'user_id UInt64', 'amount Decimal(12, 2)', 'kind String', 'day_alias Date',
    ]);
    expect(analysis.nodes.get('model.proj.daily')!.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['day Date', 'n UInt64', 'total Decimal(38, 2)']);
    expect(analysis.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.code} ${i.hint}`)).toEqual(["models/broken.sql:1:8 UNKNOWN_IDENTIFIER Did you mean 'user_id'?"]);
    // nothing was created on the server
    expect((await suite.server.query(`SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).trim()).toBe('events');
  });
});
