import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProjects, runCli } from '../../helpers/cli.js';

/** dbt's analyses: .sql files in analysis-paths, compiled (refs resolved) and never run. */
const { project } = cliProjects('tsdbt-analyses-warehouse');
const cli = (dir: string, args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' } });

describe('analyses', () => {
  it('compile writes them with refs resolved; ls lists them only with --resource-type analysis/all; build never runs them', () => {
    const p = project({
      'models/orders.sql': 'select toInt32(1) as id',
      'analyses/revenue/by_month.sql': "select count() as n from {{ ref('orders') }}",
    });
    const compiled = cli(p.dir, ['compile']);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(readFileSync(join(p.dir, 'target/compiled/proj/analyses/revenue/by_month.sql'), 'utf8')).toBe(`select count() as n from \`${p.schema}\`.\`orders\`\n`);
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['analysis.proj.by_month']).toMatchObject({ resource_type: 'analysis', fqn: ['proj', 'analysis', 'revenue', 'by_month'], depends_on: { nodes: ['model.proj.orders'] } });
    expect(cli(p.dir, ['ls']).stdout.trim().split('\n')).toEqual(['proj.orders']);
    expect(cli(p.dir, ['ls', '--resource-type', 'analysis']).stdout.trim()).toBe('proj.analysis.revenue.by_month');
    const build = cli(p.dir, ['build']);
    expect(build.stdout).toMatch(/PASS=1 .*TOTAL=1/);
  });

  it('an analysis reading an unknown model is a parse error naming it', () => {
    const p = project({ 'models/a.sql': 'select 1 as id', 'analyses/x.sql': "select * from {{ ref('nope') }}" });
    const r = cli(p.dir, ['parse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/analyses\/x\.sql/);
    expect(r.stderr).toMatch(/nope/);
  });
});
