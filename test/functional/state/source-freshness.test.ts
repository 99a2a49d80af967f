import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectError } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

const projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const SOURCES = (raw: string) => `version: 2
sources:
  - name: raw
    schema: ${raw}
    loaded_at_field: ts
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: warned
      - name: stale
      - name: filtered
        freshness:
          filter: "kind = 'a'"
      - name: looser
        freshness:
          error_after: {count: 7, period: day}
        identifier: stale
      - name: off
        freshness: null
      - name: missing
      - name: empty
      - name: nulls
  - name: other
    schema: ${raw}
    freshness:
      warn_after: {count: 1, period: minute}
    tables:
      - name: fresh
`;

async function setup(): Promise<{ p: InlineProject; raw: string }> {
  const p = inlineProject({});
  projects.push(p);
  const raw = `${p.schema}_raw`;
  p.write({ 'models/sources.yml': SOURCES(raw) });
  const project = p.open();
  const run = async (sql: string) => (await project.adapter()).client.command(sql);
  try {
    await run(`CREATE DATABASE IF NOT EXISTS \`${raw}\``);
    for (const t of ['fresh', 'warned', 'stale', 'filtered', 'off', 'empty']) await run(`CREATE TABLE \`${raw}\`.${t} (ts DateTime('UTC'), kind String) ENGINE = MergeTree ORDER BY ts`);
    await run(`CREATE TABLE \`${raw}\`.nulls (ts Nullable(DateTime('UTC')), kind String) ENGINE = MergeTree ORDER BY kind`);
    await run(`INSERT INTO \`${raw}\`.nulls VALUES (NULL, 'a')`);
    await run(`INSERT INTO \`${raw}\`.fresh VALUES (now() - INTERVAL 10 MINUTE, 'a')`);
    await run(`INSERT INTO \`${raw}\`.warned VALUES (now() - INTERVAL 2 HOUR, 'a')`);
    await run(`INSERT INTO \`${raw}\`.stale VALUES (now() - INTERVAL 3 DAY, 'a')`);
    await run(`INSERT INTO \`${raw}\`.filtered VALUES (now() - INTERVAL 3 DAY, 'a'), (now() - INTERVAL 1 MINUTE, 'b')`);
  } finally {
    await project.close();
  }
  return { p, raw };
}

describe('source freshness', () => {
  it("judges each source's newest row by warn_after / error_after, inherited from the source, and writes sources.json", async () => {
    const { p } = await setup();
    const project = p.open();
    try {
      const run = await project.sourceFreshness();
      const byName = Object.fromEntries(run.results.map((r) => [`${r.node.sourceName}.${r.node.name}`, r.status]));
      // `off` has freshness: null: not checked. other.fresh has a threshold but no loaded_at_field: dbt
      // 1.10's runtime error on an adapter without metadata-based freshness (ClickHouse).
      expect(byName).toEqual({
        'other.fresh': 'runtime error',
        'raw.fresh': 'pass',
        'raw.warned': 'warn',
        'raw.stale': 'error',
        'raw.filtered': 'error',
        'raw.looser': 'warn',
        'raw.missing': 'runtime error',
        // dbt-adapters: no rows (or only NULLs) is "infinitely long ago" (0001-01-01), stale past error_after.
        'raw.empty': 'error',
        'raw.nulls': 'error',
      });
      expect(run.success).toBe(false);
      const json = JSON.parse(readFileSync(join(p.dir, 'target/sources.json'), 'utf8'));
      expect(json.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
      const warned = json.results.find((r: { unique_id: string }) => r.unique_id === 'source.proj.raw.warned');
      expect(warned).toMatchObject({
        status: 'warn',
        criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null },
      });
      expect(warned.max_loaded_at_time_ago_in_s).toBeGreaterThan(7100);
      expect(warned.max_loaded_at_time_ago_in_s).toBeLessThan(7200 + 600);
      expect(Date.parse(warned.snapshotted_at) - Date.parse(warned.max_loaded_at)).toBeCloseTo(warned.max_loaded_at_time_ago_in_s * 1000, -2);
      const missing = json.results.find((r: { unique_id: string }) => r.unique_id === 'source.proj.raw.missing');
      expect(missing.status).toBe('runtime error');
      expect(missing.error).toMatch(/missing|exist/i);
      expect(json.results.find((r: { unique_id: string }) => r.unique_id === 'source.proj.raw.filtered').criteria.filter).toBe("kind = 'a'");
      for (const t of ['empty', 'nulls'])
        expect(json.results.find((r: { unique_id: string }) => r.unique_id === `source.proj.raw.${t}`).max_loaded_at).toBe('0001-01-01T00:00:00+00:00');

      const only = await project.sourceFreshness({ select: ['source:raw.fresh', 'source:raw.warned'], output: 'out/fresh.json' });
      expect(only.success).toBe(true);
      expect(JSON.parse(readFileSync(join(p.dir, 'out/fresh.json'), 'utf8')).results).toHaveLength(2);
    } finally {
      await project.close();
    }
  });

  it('a bad freshness period is a project error naming the file and line', () => {
    const p = inlineProject({ 'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    loaded_at_field: ts\n    freshness:\n      warn_after: {count: 1, period: week}\n    tables: [{name: t}]\n' });
    projects.push(p);
    let error: unknown;
    try {
      p.open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectError);
    expect((error as ProjectError).message).toMatch(/'period' must be one of minute, hour, day \(found "week"\)/);
    expect((error as ProjectError).line).toBe(6);
  });
});
