import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';
import { MV_MODEL, PEOPLE_SEED_CSV, SEED_SCHEMA_YML, TARGET_MODEL } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_materialized_view_external_target.py,
 * the cases of a materialized view created outside dbt (`CREATE MATERIALIZED VIEW … TO <table model>`
 * by hand) next to dbt's own: it is not dbt's, so it neither blocks the table model's rebuild nor is
 * replayed by `repopulate_from_mvs_on_full_refresh`. Upstream model files unchanged.
 */

const createOutsideMv = (p: DbtProject) =>
  p.query(`CREATE MATERIALIZED VIEW IF NOT EXISTS {schema}.outside_mv_sales
        TO {schema}.employees_target
        AS SELECT
            id,
            name,
            department
        FROM {schema}.people
        WHERE department = 'sales'`);

const byDepartment = (p: DbtProject) => p.query(`SELECT department, count(*) as cnt FROM {schema}.employees_target GROUP BY department ORDER BY department`);

describe('dbt-clickhouse materialized views created outside dbt', () => {
  it('TestOutsideMVsNotForceOnSchemaChangeFailInTable: the table model is rebuilt with its new column', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'employees_target.sql': TARGET_MODEL } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await createOutsideMv(p);
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema' })]);
    const columns = (await p.query<{ name: string }>(`DESCRIBE TABLE {schema}.employees_target`)).map((c) => c.name);
    expect(columns).toContain('extra_col');
  });

  it("TestRepopulateOnlyDbtMVsNotOutside: a full refresh with repopulate replays dbt's view only", async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL },
    });
    await p.dbt(['seed']);
    await p.dbt(['run', '--vars', JSON.stringify({ target_table: 'employees_target', catchup: false })]);
    await createOutsideMv(p);
    await p.query(`INSERT INTO {schema}.people ("id", "name", "age", "department") VALUES (4001, 'NewEngineer', 30, 'engineering')`);
    await p.query(`INSERT INTO {schema}.people ("id", "name", "age", "department") VALUES (4002, 'NewSales', 25, 'sales')`);
    // Upstream leaves target_table out of this run's vars: the project then defines the view with a
    // target of its own, and dbt-clickhouse replays the SQL of the view ClickHouse still has. tsdbt
    // replays the views the project defines now, so the port keeps the view's target.
    const results = await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ target_table: 'employees_target', catchup: false, enable_repopulate_from_mvs_on_full_refresh: true })]);
    expect(results.results).toHaveLength(2);
    // 3 from the seed + 1 inserted, engineering only
    expect(await byDepartment(p)).toEqual([{ department: 'engineering', cnt: '4' }]);
  });

  // Upstream's own sequence: the full refresh leaves target_table and catchup out of its vars, so the
  // project no longer points the view at the table; dbt-clickhouse replays the SQL of the view
  // ClickHouse has. tsdbt rebuilt the table from its SELECT alone (0 rows).
  it("TestRepopulateOnlyDbtMVsNotOutside as upstream runs it: the view of dbt in the warehouse is replayed", async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL },
    });
    await p.dbt(['seed']);
    await p.dbt(['run', '--vars', JSON.stringify({ target_table: 'employees_target', catchup: false })]);
    await createOutsideMv(p);
    await p.query(`INSERT INTO {schema}.people ("id", "name", "age", "department") VALUES (4001, 'NewEngineer', 30, 'engineering')`);
    await p.query(`INSERT INTO {schema}.people ("id", "name", "age", "department") VALUES (4002, 'NewSales', 25, 'sales')`);
    const results = await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ enable_repopulate_from_mvs_on_full_refresh: true })]);
    expect(results.results).toHaveLength(2);
    expect(await byDepartment(p)).toEqual([{ department: 'engineering', cnt: '4' }]);
  });

  it('TestRepopulateWithOnlyOutsideMV: no view of dbt, so a full refresh leaves the table empty', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'employees_target.sql': TARGET_MODEL } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await createOutsideMv(p);
    await p.query(`INSERT INTO {schema}.people ("id", "name", "age", "department") VALUES (4002, 'NewSales', 25, 'sales')`);
    await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ enable_repopulate_from_mvs_on_full_refresh: true })]);
    expect(await p.query(`SELECT count(*) as n FROM {schema}.employees_target`)).toEqual([{ n: '0' }]);
  });
  it("TestMVWithExplicitTargetForcesOnSchemaChangeFailInTable: dbt's view makes the table's new column 'out of sync'; an outside view does not matter", async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL },
    });
    await p.dbt(['seed']);
    await p.dbt(['run', '--vars', JSON.stringify({ target_table: 'employees_target' })]);
    await createOutsideMv(p);
    const r = await p.dbt(['run', '--vars', JSON.stringify({ target_table: 'employees_target', run_type: 'extended_schema' })], { expectPass: false });
    const target = r.results.find((x) => x.unique_id.endsWith('.employees_target'))!;
    expect(target.status).toBe('error');
    expect(target.message).toContain('The source and target schemas on this table model are out of sync');
    expect(await byDepartment(p)).toEqual([{ department: 'engineering', cnt: '3' }]);
  });

  // Upstream's own sequence: the failing run leaves target_table out of its vars, so the project no
  // longer points the view at the table — but the view ClickHouse has (named as the project's
  // materialized_view model) still writes into it, as the run found it. The table was rebuilt from
  // its SELECT (WHERE 0), losing the 3 rows the view wrote.
  it('TestMVWithExplicitTargetForcesOnSchemaChangeFailInTable as upstream runs it: the view of dbt in the warehouse counts, not only the project', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL },
    });
    await p.dbt(['seed']);
    await p.dbt(['run', '--vars', JSON.stringify({ target_table: 'employees_target' })]);
    await createOutsideMv(p);
    // (not upstream's) The same columns: the table is kept with its rows, not rebuilt from its SELECT.
    const kept = await p.dbt(['run', '--select', 'employees_target']);
    expect(kept.results.map((x) => [x.status, x.message])).toEqual([['success', 'OK kept (target of 1 materialized view)']]);
    expect(await byDepartment(p)).toEqual([{ department: 'engineering', cnt: '3' }]);
    const r = await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema' })], { expectPass: false });
    const target = r.results.find((x) => x.unique_id.endsWith('.employees_target'))!;
    expect(target.status).toBe('error');
    expect(target.message).toContain('The source and target schemas on this table model are out of sync');
    expect(await byDepartment(p)).toEqual([{ department: 'engineering', cnt: '3' }]);
  });

  it('TestAliasedMVRecognizedAsDbtManaged: a view model with an alias is dbt\'s too: the same failure', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL },
    });
    await p.dbt(['seed']);
    const vars = { target_table: 'employees_target', alias: 'engineering_mv_custom' };
    await p.dbt(['run', '--vars', JSON.stringify(vars)]);
    expect((await p.relationTypes(['engineering_mv_custom'])).engineering_mv_custom).toBe('materialized_view');
    const r = await p.dbt(['run', '--vars', JSON.stringify({ ...vars, run_type: 'extended_schema' })], { expectPass: false });
    const target = r.results.find((x) => x.unique_id.endsWith('.employees_target'))!;
    expect(target.status).toBe('error');
    expect(target.message).toContain('The source and target schemas on this table model are out of sync');
  });
});
