import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';

/** dbt 1.10's loaded_at_query (dbt's tests/functional/sources/test_source_configs.py and collect_freshness_custom_sql). */
const setup = openedPerTest();

const sources = (raw: string) => `sources:
  - name: raw
    schema: ${raw}
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    config:
      loaded_at_query: "select max(loaded) from {{ this }}"
    tables:
      - name: events
      - name: audited
        loaded_at_query: |
          select max(finished_at) from {{ source('raw', 'audit') }} where tbl = 'audited'
      - name: by_field
        loaded_at_field: loaded
        identifier: events
      - name: audit
        freshness: null
`;

describe('source freshness with loaded_at_query', () => {
  it("renders the query ({{ this }}, source()) and judges its one value; a table's loaded_at_field turns the source's query off", async () => {
    const { p, project } = setup({ 'models/a.sql': 'select 1 as id' });
    const raw = `${p.schema}_raw`;
    p.write({ 'models/sources.yml': sources(raw) });
    const client = (await project.adapter()).client;
    await client.command(`CREATE DATABASE IF NOT EXISTS \`${raw}\``);
    await client.command(`CREATE TABLE \`${raw}\`.events (loaded DateTime('UTC')) ENGINE = MergeTree ORDER BY loaded`);
    await client.command(`INSERT INTO \`${raw}\`.events VALUES (now() - INTERVAL 2 HOUR)`);
    await client.command(`CREATE TABLE \`${raw}\`.audit (tbl String, finished_at DateTime('UTC')) ENGINE = MergeTree ORDER BY tbl`);
    await client.command(`INSERT INTO \`${raw}\`.audit VALUES ('audited', now() - INTERVAL 3 DAY), ('other', now())`);
    await project.close();
    const reopened = setup.reopen(p);
    const byField = reopened.manifest.nodes.get('source.proj.raw.by_field') as { loadedAtField?: string; loadedAtQuery?: string };
    expect([byField.loadedAtField, byField.loadedAtQuery]).toEqual(['loaded', undefined]);
    const run = await reopened.sourceFreshness();
    const status = Object.fromEntries(run.results.map((r) => [r.node.name, r.status]));
    expect(status).toEqual({ events: 'warn', audited: 'error', by_field: 'warn' });
  });

  it('loaded_at_field and loaded_at_query on one level are a project error with the file and line', () => {
    expect(() => setup({ 'models/s.yml': 'sources:\n  - name: raw\n    tables:\n      - name: t\n        loaded_at_field: a\n        loaded_at_query: select 1\n' })).toThrow(/loaded_at_field and loaded_at_query cannot both be set/);
  });
});
