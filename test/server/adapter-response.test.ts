import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * dbt-clickhouse tests/integration/adapter/clickhouse/test_adapter_response.py
 * (TestAdapterResponseQueryId): run_results' adapter_response of a model carries the query_id of
 * a statement the model sent, and the server's system.query_log knows it. The embedded engine
 * keeps no query_log: this runs on the 18.16 server started with one.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: adapter_response.query_id', () => {
  const suite = serverSuite({ queryLog: true });

  it("TestAdapterResponseQueryId: the model's query_id round-trips to system.query_log", async () => {
    const { p, project } = suite.setup({ 'models/my_model.sql': "\nselect 1 as id, 'clickhouse' as name\n" });
    const run = await project.run();
    expect(run.results.map((r) => r.status)).toEqual(['success']);
    const results = JSON.parse(readFileSync(join(p.dir, 'target', 'run_results.json'), 'utf8')).results;
    expect(results).toHaveLength(1);
    const queryId = results[0].adapter_response.query_id;
    expect(queryId, 'adapter_response did not contain a query_id').toEqual(expect.any(String));
    await suite.server.query('SYSTEM FLUSH LOGS');
    const count = await suite.server.query(`SELECT count() FROM system.query_log WHERE query_id = '${queryId}'`);
    expect(Number(count.trim())).toBeGreaterThan(0);
  });
});
