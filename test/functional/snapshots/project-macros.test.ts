import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';
import { exec, rows, sourceYaml } from './snapshot-fixture.js';

/*
 * A project's own snapshot macros, which dbt's snapshot materialization calls: snapshot_get_time()
 * (a backfill stamping its as-of date from a var, a documented pattern), snapshot_hash_arguments()
 * (dbt_scd_id) and snapshot_<strategy>_strategy() overriding dbt's timestamp / check strategy.
 */
const project = (asOf: string) => `name: proj\nprofile: proj\nvars: {snapshot_as_of: '${asOf}'}\n`;

const MACROS = `{% macro snapshot_get_time() -%}
    -- a backfill passes the day it replays
    {%- if var('snapshot_as_of', none) %}
    toDateTime('{{ var("snapshot_as_of") }}', 'UTC')
    {%- else %}
    {{ current_timestamp() }}
    {%- endif %}
{%- endmacro %}

{% macro snapshot_hash_arguments(args) -%}
    {%- for a in args %}toString({{ a }}){% if not loop.last %} || '~' || {% endif %}{% endfor -%}
{%- endmacro %}`;

const CHECK = `{% snapshot snap %}
    {{ config(target_schema=schema, unique_key='id', strategy='check', check_cols=['v'], hard_deletes='new_record') }}
    select id, v from {{ source('raw', 'src') }}
{% endsnapshot %}`;

// dbt's timestamp strategy, but a row is a new version only when v changed (updated_at alone moves).
const STRATEGY = `{% macro snapshot_timestamp_strategy(node, snapshotted_rel, current_rel, model_config, target_exists) %}
    {% set s = dbt.snapshot_timestamp_strategy(node, snapshotted_rel, current_rel, model_config, target_exists) %}
    {% do s.update({'row_changed': '(' ~ snapshotted_rel ~ '.v != ' ~ current_rel ~ '.v)'}) %}
    {{ return(s) }}
{% endmacro %}`;

const TIMESTAMP = `{% snapshot snap %}
    {{ config(target_schema=schema, unique_key='id', strategy='timestamp', updated_at='u') }}
    select id, v, u from {{ source('raw', 'src') }}
{% endsnapshot %}`;

const history = (p: { schema: string }, project: TsdbtProject, cols = 'id, v, dbt_scd_id, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t') =>
  rows(project, `SELECT ${cols} FROM ${p.schema}.snap ORDER BY id, dbt_valid_from`);

describe("a project's snapshot macros", () => {
  const setup = openedPerTest();

  it('snapshot_get_time() and snapshot_hash_arguments() stamp and key the versions', async () => {
    const { p, project: first } = setup({ 'project.yml': project('2020-01-01 00:00:00'), 'models/sources.yml': sourceYaml(['src']), 'snapshots/snap.sql': CHECK, 'macros/snap.sql': MACROS });
    await exec(first, `CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await exec(first, `CREATE TABLE ${p.schema}.src ENGINE = MergeTree ORDER BY id AS SELECT toInt32(number) AS id, 'a' AS v FROM numbers(1, 2)`);
    expectStatuses(await first.snapshot(), { snap: 'success' });

    await exec(first, `ALTER TABLE ${p.schema}.src UPDATE v = 'b' WHERE id = 1 SETTINGS mutations_sync = 1`);
    await exec(first, `ALTER TABLE ${p.schema}.src DELETE WHERE id = 2 SETTINGS mutations_sync = 1`);
    p.write({ 'project.yml': project('2020-02-01 00:00:00') });
    const second = setup.reopen(p);
    expectStatuses(await second.snapshot(), { snap: 'success' });
    expect(await history(p, second, 'id, v, dbt_scd_id, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t, dbt_is_deleted AS d')).toEqual([
      { id: 1, v: 'a', dbt_scd_id: '1~2020-01-01 00:00:00.000000', f: '2020-01-01 00:00:00.000000', t: '2020-02-01 00:00:00.000000', d: 'False' },
      { id: 1, v: 'b', dbt_scd_id: '1~2020-02-01 00:00:00.000000', f: '2020-02-01 00:00:00.000000', t: null, d: 'False' },
      { id: 2, v: 'a', dbt_scd_id: '2~2020-01-01 00:00:00.000000', f: '2020-01-01 00:00:00.000000', t: '2020-02-01 00:00:00.000000', d: 'False' },
      { id: 2, v: 'a', dbt_scd_id: '2~2020-01-01 00:00:00.000000~2020-02-01 00:00:00.000000', f: '2020-02-01 00:00:00.000000', t: null, d: 'True' },
    ]);
  });

  it("an override of dbt's timestamp strategy decides what changed", async () => {
    const { p, project: snap } = setup({ 'models/sources.yml': sourceYaml(['src']), 'snapshots/snap.sql': TIMESTAMP, 'macros/strategy.sql': STRATEGY });
    await exec(snap, `CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await exec(snap, `CREATE TABLE ${p.schema}.src ENGINE = MergeTree ORDER BY id AS SELECT toInt32(number) AS id, 'a' AS v, toDateTime('2020-01-01 00:00:00', 'UTC') AS u FROM numbers(1, 2)`);
    expectStatuses(await snap.snapshot(), { snap: 'success' });
    // id 1: only updated_at moves (no new version with the override); id 2: v changes too.
    await exec(snap, `ALTER TABLE ${p.schema}.src UPDATE u = toDateTime('2020-03-01 00:00:00', 'UTC'), v = if(id = 2, 'b', v) WHERE 1 SETTINGS mutations_sync = 1`);
    expectStatuses(await snap.snapshot(), { snap: 'success' });
    expect(await history(p, snap, 'id, v, toString(dbt_valid_from) AS f, toString(dbt_valid_to) AS t')).toEqual([
      { id: 1, v: 'a', f: '2020-01-01 00:00:00', t: null },
      { id: 2, v: 'a', f: '2020-01-01 00:00:00', t: '2020-03-01 00:00:00' },
      { id: 2, v: 'b', f: '2020-03-01 00:00:00', t: null },
    ]);
  });
});
