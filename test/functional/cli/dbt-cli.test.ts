import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProjects, runCli } from '../../helpers/cli.js';
import type { InlineProject } from '../../helpers/inline-project.js';

/*
 * The CLI behaves like dbt's in the small ways (issue #16): global flags before or after the
 * command, -s/-q/--log-level/--printer-width/--no-color, ls outputs, did-you-mean, an empty
 * selection, an unreachable target, the compiled path of a failing test, compile printing SQL.
 */
const { project } = cliProjects('tsdbt-dbt-cli-warehouse');

const FILES = {
  'models/mart/orders.sql': "{{ config(materialized='table') }}\nselect 1 as id",
  'models/mart/order_items.sql': "select id from {{ ref('orders') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n',
};

const cli = (p: InlineProject, args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: p.dir, env: { NO_COLOR: '1', ...env } });
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('global flags', () => {
  it('are accepted before the command as after it (tsdbt --no-color --target dev ls)', () => {
    const p = project(FILES);
    const before = cli(p, ['--no-color', '--target', 'dev', '--project-dir', p.dir, 'ls', '-s', 'orders']);
    const after = cli(p, ['ls', '-s', 'orders', '--no-color', '--target', 'dev']);
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    expect(lines(before.stdout)).toEqual(['proj.mart.orders', 'proj.mart.not_null_orders_id']);
    // an unknown target named before the command is still the command's error
    const wrong = cli(p, ['--target', 'nope', 'ls']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/nope/);
  });

  it('-q prints nothing on success but still prints errors; --log-level warn keeps warnings', () => {
    const p = project(FILES);
    const quiet = cli(p, ['-q', 'run']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    const level = cli(p, ['run', '-s', 'ordrs', '--log-level', 'warn']);
    expect(level.code).toBe(0);
    expect(level.stdout).not.toMatch(/START|Done\./);
    expect(level.stdout).toMatch(/\[WARNING\]: The selection criterion 'ordrs' does not match any enabled nodes\. Did you mean 'orders'\?/);
    p.write({ 'models/mart/broken.sql': "{{ config(materialized='table') }}\nselect throwIf(1) as x" });
    const failing = cli(p, ['--quiet', 'run', '-s', 'broken']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).not.toMatch(/START/);
    expect(failing.stdout).toMatch(/ERROR creating sql table model/);
    expect(failing.stdout).toMatch(/Failure in model broken/);
    expect(failing.stdout).not.toMatch(/Done\. PASS/);
  });

  it('--printer-width sets the width of progress lines; --log-format json carries levels and --log-level filters them', () => {
    const p = project(FILES);
    const wide = cli(p, ['run', '--printer-width', '100', '-s', 'orders']);
    const progress = lines(wide.stdout).filter((l) => / of 1 /.test(l)).map((l) => l.slice(10));
    expect(progress.length).toBe(2);
    // `i of N … [STATUS]` reaches the width before the status bracket, as dbt's
    for (const line of progress) expect(line.indexOf(" [")).toBe(99);
    expect(cli(p, ['run', '--printer-width', 'wide']).stderr).toMatch(/--printer-width must be a whole number from 20 to 1000, got 'wide'/);
    const json = cli(p, ['--log-format', 'json', '--log-level', 'warn', 'run', '-s', 'nothing_here']);
    const events = lines(json.stdout).map((l) => JSON.parse(l) as { level: string; event: string });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.level === 'warn')).toBe(true);
  });

  it("reads dbt's environment variables when the flag is not given (DBT_TARGET, DBT_PROJECT_DIR, DBT_QUIET)", () => {
    const p = project(FILES);
    const other = project({});
    const r = cli(other, ['ls', '--output', 'name'], { DBT_PROJECT_DIR: p.dir, DBT_TARGET: 'dev' });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toContain('orders');
    expect(cli(p, ['ls'], { DBT_TARGET: 'nope' }).code).toBe(2);
    // the command line wins over the environment
    expect(cli(p, ['ls', '--target', 'dev'], { DBT_TARGET: 'nope' }).code).toBe(0);
    expect(cli(p, ['run'], { DBT_QUIET: 'true' }).stdout).toBe('');
    expect(cli(p, ['run'], { DBT_QUIET: '0' }).stdout).toMatch(/Done\. PASS=2/);
  });
});

describe('ls', () => {
  it("prints dbt's selector by default, names, paths, and JSON with dbt's keys or --output-keys", () => {
    const p = project(FILES);
    expect(lines(cli(p, ['ls']).stdout)).toEqual(['proj.mart.order_items', 'proj.mart.orders', 'source:proj.raw.events', 'proj.mart.not_null_orders_id']);
    expect(lines(cli(p, ['ls', '--output', 'name']).stdout)).toEqual(['order_items', 'orders', 'raw.events', 'not_null_orders_id']);
    expect(lines(cli(p, ['ls', '--output', 'path', '--resource-type', 'model']).stdout)).toEqual(['models/mart/order_items.sql', 'models/mart/orders.sql']);
    const json = lines(cli(p, ['ls', '--output', 'json', '-s', 'orders', '--resource-type', 'model']).stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json).toHaveLength(1);
    expect(Object.keys(json[0]!).sort()).toEqual(['alias', 'config', 'depends_on', 'name', 'original_file_path', 'package_name', 'resource_type', 'tags', 'unique_id']);
    expect(json[0]).toMatchObject({ name: 'orders', unique_id: 'model.proj.orders', alias: 'orders', resource_type: 'model' });
    const keys = lines(cli(p, ['ls', '--output', 'json', '--output-keys', 'name', 'fqn', '--resource-type', 'source']).stdout).map((l) => JSON.parse(l) as unknown);
    expect(keys).toEqual([{ name: 'events', fqn: ['proj', 'raw', 'events'] }]);
    expect(lines(cli(p, ['ls', '--resource-type', 'all', '--exclude-resource-type', 'test', 'source']).stdout)).toEqual(['proj.mart.order_items', 'proj.mart.orders']);
  });

  it('an empty selection warns "No nodes selected!" on stderr and exits 0', () => {
    const p = project(FILES);
    const r = cli(p, ['ls', '-s', 'tag:none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No nodes selected!/);
  });
});

describe('errors and hints', () => {
  it('an unknown command gets one did-you-mean line, not the whole help; deps is a command', () => {
    const p = project(FILES);
    const r = cli(p, ['buidl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'buidl'\n\(Did you mean build\?\)/);
    expect(r.stderr).not.toMatch(/Usage:|Commands:/);
    expect(lines(r.stderr).length).toBeLessThanOrEqual(3);
    const deps = cli(p, ['deps']);
    expect(deps.stderr).not.toMatch(/unknown command|Did you mean/);
    expect(deps.code).toBe(0);
  });

  it('suggests the model for a typo in show and the macro for a typo in run-operation', () => {
    const p = project({ ...FILES, 'macros/grant_all.sql': "{% macro grant_all() %}{{ return('ok') }}{% endmacro %}" });
    const show = cli(p, ['show', '-s', 'ordres']);
    expect(show.code).toBe(2);
    expect(show.stderr).toMatch(/Did you mean 'orders'\?/);
    const op = cli(p, ['run-operation', 'grant_al']);
    expect(op.code).toBe(2);
    expect(op.stderr).toMatch(/could not find a macro with the name 'grant_al' in any package/);
    expect(op.stderr).toMatch(/Did you mean 'grant_all'\?/);
  });

  it("run-operation prints what the macro prints or logs, not what it returns or renders (dbt's RunOperationTask drops the result); print_table() prints", () => {
    const p = project({
      ...FILES,
      'macros/ops.sql': `{% macro print_and_return() %}{% set joined = 'generated yaml' %}{% if execute %}{{ print(joined) }}{% do return(joined) %}{% endif %}{% endmacro %}
{% macro prints_table() %}{% set r = run_query("select * from (select 'a' as k, 1.5 as v union all select 'b', 10) order by k") %}{% do r.print_table() %}{% endmacro %}
{% macro renders_sql() %}{% do log('logged line', info=True) %}
  create table if not exists x (a UInt8) engine = Memory
{% endmacro %}`,
    });
    const printed = cli(p, ['run-operation', 'print_and_return']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.split('\n').filter((l) => l.includes('generated yaml'))).toHaveLength(1);
    // agate's print_table() writes the table (audit_helper's documented `{% do results.print_table() %}`)
    const table = cli(p, ['run-operation', 'prints_table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('| k |    v |\n| - | ---- |\n| a |  1.5 |\n| b | 10.0 |');
    const rendered = cli(p, ['run-operation', 'renders_sql']);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(/logged line/);
    expect(rendered.stdout).not.toMatch(/create table/);
  });

  it('an empty selection is "Nothing to do" with a warning and exit 0 (an error under --warn-error), the warehouse untouched', () => {
    const p = project(FILES);
    const r = cli(p, ['run', '-s', 'tag:nightly']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[WARNING\]: Nothing to do\. Try checking your model configs and model specification args/);
    expect(r.stdout).not.toMatch(/Completed successfully|START/);
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: unknown[] };
    expect(results.results).toEqual([]);
    const strict = cli(p, ['run', '-s', 'tag:nightly', '--warn-error']);
    expect(strict.code).toBe(2);
    // dbt's selector raises its NoNodesForSelectionCriteria warning first (warn_or_error), before NothingToDo.
    expect(strict.stderr).toMatch(/The selection criterion 'tag:nightly' does not match any enabled nodes/);
  });

  it('an unreachable target fails once before any node starts, exit 2', () => {
    const p = project(FILES, 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      host: 127.0.0.1\n      port: 1\n      schema: x\n');
    const r = cli(p, ['build']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/START|ERROR creating/);
    expect(r.stderr.match(/Cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/g)).toHaveLength(1);
  });

  it('a failing test prints where its compiled SQL is, and stored failures where to read them', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 1",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    const r = cli(p, ['build', '--store-failures']);
    expect(r.code).toBe(1);
    const path = 'target/compiled/proj/models/schema.yml/unique_a_id.sql';
    expect(r.stdout).toContain(`  compiled code at ${path}`);
    expect(readFileSync(join(p.dir, path), 'utf8')).toMatch(/select/i);
    expect(r.stdout).toMatch(/See test failures:\n.*  -+\n.*  select \* from `t\w+_dbt_test__audit`\.`unique_a_id`/);
  });
});

describe('compile', () => {
  it('prints the SQL of the node --select names (dbt\'s "Compiled node"), only the SQL with -q, JSON with --output json', () => {
    const p = project(FILES);
    const r = cli(p, ['compile', '-s', 'order_items']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Compiled node 'order_items' is:\nselect id from `t\w+`\.`orders`\n$/);
    expect(existsSync(join(p.dir, 'target/compiled/proj/models/mart/order_items.sql'))).toBe(true);
    expect(cli(p, ['compile', '-s', 'order_items', '-q']).stdout).toMatch(/^select id from `t\w+`\.`orders`\n$/);
    const json = JSON.parse(cli(p, ['compile', '-s', '+order_items', '--output', 'json']).stdout) as unknown;
    expect(json).toEqual({ node: 'order_items', compiled: expect.stringMatching(/^select id from/) });
    // no selection: a summary line, no SQL
    expect(cli(p, ['compile']).stdout).toMatch(/^Compiled 3 nodes into /);
  });
});
