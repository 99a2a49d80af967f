import { fixtureRowsSql, unitTestSql, type FixtureSchema } from '../compile/unit-test-sql.js';
import type { ManifestNode, ModelNode, UnitTestInput, UnitTestNode, UnitTestRows } from '../manifest/nodes.js';
import { isEmptySql } from '../shared/empty-sql.js';
import { quoteIdentifier, replacePlaceholders, refText, type PlaceholderTarget } from '../render/placeholders.js';
import { newRenderState, renderNodeInfo } from '../render/render-state.js';
import type { NodeResult } from '../report/events.js';
import { ProjectError } from '../shared/errors.js';
import { splitStatements } from '../shared/sql-statements.js';
import { dequalifiedSqlAsync } from './dbt-semantics/dequalify.js';
import { nodeSql, rewrittenSqlAsync, runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';
import { withRunSettings } from './dbt-semantics/run-settings.js';
import { commonTypedSql, roundedSql } from './dbt-semantics/common-types.js';
import { unitTestDiff } from './unit-test-diff.js';
import { dbtSemanticsType } from '../shared/dbt-type-names.js';
import { lacksWideDates, lacksWideDecimals } from './dbt-semantics/server-features.js';
import { dbtSemantics } from '../load/dbt-semantics.js';
import { clickhouseTypeSpelling } from '../adapter/type-spelling.js';

type Outcome = Omit<NodeResult, 'node' | 'uniqueId' | 'executionTime' | 'timing'>;

/** dbt's prefix of the CTE an input becomes; here the name a fixture answers to (`ref('x').identifier`). */
const FIXTURE_PREFIX = '__dbt__cte__';

/**
 * Runs one unit test (dbt's `unit` materialization): the tested model rendered with the test's
 * overrides, each input it reads replaced by its fixture rows, its result compared as a multiset
 * with the expected rows. Nothing is created and no input relation is read (only, where it
 * exists, described, to type the fixture as the real input).
 */
export async function runUnitTest(ctx: RunContext, test: UnitTestNode): Promise<Outcome> {
  if (test.inputError) {
    // dbt resolves the inputs when the test runs: a ParsingError of this node alone, in its words.
    const { message, line, hint } = test.inputError;
    throw new ProjectError('unit_test', `Parsing Error in unit_test ${test.name} (${test.originalFilePath})\n  ${message}`, { file: test.originalFilePath, line, hint });
  }
  const prepared = await prepareUnitTest(ctx, test);
  const { compiled, tested, settings } = prepared;
  ctx.compiled.write(test, compiled);
  try {
    const result = await ctx.adapter.client.query<Record<string, unknown>>(compiled, { signal: ctx.signal, settings });
    const side = (which: string) => result.filter((r) => r.actual_or_expected === which).map((r) => tested.map((c) => r[c] ?? null));
    const diff = unitTestDiff(tested, side('expected'), side('actual'));
    if (!diff) return { status: 'pass', failures: 0, message: 'PASS', warnings: [], compiledCode: compiled };
    return { status: 'fail', failures: 1, message: diff.rendered, warnings: [], compiledCode: compiled };
  } catch (error) {
    throw executionError(ctx, test, prepared.model, error);
  }
}

/**
 * A unit test's SQL as `tsdbt compile` writes it (dbt compiles unit tests too): the tested model
 * over the fixtures, and the expected rows, in dbt's actual-vs-expected query. The warehouse is
 * only described (input columns, the model's output columns), never written.
 */
export async function unitTestCompiledSql(ctx: RunContext, test: UnitTestNode): Promise<string> {
  return (await prepareUnitTest(ctx, test)).compiled;
}

async function prepareUnitTest(ctx: RunContext, test: UnitTestNode): Promise<{ model: ModelNode; compiled: string; tested: string[]; settings?: Readonly<Record<string, unknown>> }> {
  // The model as its build runs it: dbt_semantics' settings (NULL kept by a CAST, SQL's name precedence).
  const model = await withRunSettings(ctx.adapter, ctx.manifest.nodes.get(test.testedNode) as ModelNode, ctx.manifest.nodes);
  const fail = (message: string, hint?: string): never => {
    // dbt's words: the unit test fails to compile (its run_results message starts so).
    throw new ProjectError('unit_test', `Compilation Error in unit_test ${test.name} (model ${model.name}): ${message}`, { file: test.originalFilePath, line: test.line, hint });
  };
  const fixtures = new Map<string, string>();
  for (const input of test.given) fixtures.set(input.isThis ? 'this' : input.nodeId, await inputSql(ctx, test, input));

  // The model's columns as its build names them (dbt_semantics: `t.col` from several joins is `col`).
  // dbt's common types and rounding CASTs, as the model's run has them (common-types.ts: a run of the
  // unit test in runWithCommonTypes' scope; the strict attempt carries use_variant_as_common_type = 0).
  const modelSql = await dequalifiedSqlAsync(ctx, model, commonTypedSql(await rewrittenSqlAsync(ctx, model, mockedModelSql(ctx, test, model, fixtures, fail))));
  // The model's own query settings (with dbt_semantics: join_use_nulls), so that its unit test
  // answers as its build does (an outer join's non-matches are NULL in both).
  const variant = test.config.query_settings as Record<string, unknown> | undefined;
  const settings = variant && 'use_variant_as_common_type' in variant ? { ...querySettingsOf(model), use_variant_as_common_type: variant.use_variant_as_common_type } : querySettingsOf(model);
  try {
    const actualColumns = await ctx.adapter.queryColumns(modelSql, { settings });
    const schema: FixtureSchema = { columns: actualColumns.map((c) => ({ name: c.name, type: c.type })), complete: true };
    const rows = test.expect.rows ?? [];
    // dbt: the columns compared are those of the first expected row (all of the model's when none).
    const tested = rows.length > 0 && test.expect.format !== 'sql' ? Object.keys(rows[0]!).map((k) => columnOf(schema, k, fail)) : actualColumns.map((c) => c.name);
    const expectedSql = test.expect.format === 'sql' ? renderFixtureSql(ctx, test, test.expect) : fixtureRowsSql(rows, schema, { what: 'expected output', file: test.expect.fixtureFile ?? test.originalFilePath, line: test.line }, test.expect.format === 'csv');
    // The expected rows' literals cast to the model's column types round as the model's own CASTs do.
    return { model, compiled: unitTestSql(modelSql, roundedSql(expectedSql), tested), tested, ...(settings ? { settings } : {}) };
  } catch (error) {
    throw executionError(ctx, test, model, error);
  }
}

/** dbt's wording: a warehouse error here is most often a fixture value that does not fit its column. */
function executionError(ctx: RunContext, test: UnitTestNode, model: ModelNode, error: unknown): unknown {
  if (error instanceof ProjectError || ctx.signal?.aborted) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ProjectError('unit_test_failed', `An error occurred during execution of unit test '${test.name}'. There may be an error in the unit test definition: check the data types.\n ${detail}`, {
    file: test.originalFilePath,
    line: test.line,
    hint: `The SQL run is in target/compiled (tsdbt compile); check the fixture values against the column types of ${model.name} and its inputs.`,
    cause: error,
  });
}

/** The tested model's SQL, rendered with the test's overrides, its inputs read from their fixtures. */
function mockedModelSql(ctx: RunContext, test: UnitTestNode, model: ModelNode, fixtures: ReadonlyMap<string, string>, fail: (message: string, hint?: string) => never): string {
  const inputOf = (target: PlaceholderTarget) => {
    const found = target.kind === 'this' ? model : ctx.index.resolve(target, model);
    const key = target.kind === 'this' ? 'this' : found?.uniqueId;
    const name = target.kind === 'this' ? `${FIXTURE_PREFIX}this` : `${FIXTURE_PREFIX}${found?.resourceType === 'source' ? `${(found as { sourceName: string }).sourceName}__` : ''}${found?.name ?? (target.kind === 'ref' ? target.name : target.table)}`;
    return { name, fixture: key === undefined ? undefined : fixtures.get(key) };
  };
  const resolver = ctx.index.resolver(model);
  const state = runtimeState(ctx, model, {
    isIncremental: test.overrides.macros.is_incremental === true,
    node: renderNodeInfo(model),
    overrides: test.overrides,
    // A given input prints as its placeholder even inside a string the model builds (dbt: the fixture's CTE name).
    relations: (target) => {
      const input = inputOf(target);
      if (input.fixture !== undefined) return { schema: '', identifier: input.name, inline: true };
      // `{{ this }}` with no given input stays a placeholder, which the test names as missing (below).
      const found = resolver(target);
      return found && target.kind === 'this' ? { ...found, printsPlaceholder: true } : found;
    },
  });
  // dbt replaces context values that are not macros (`invocation_id: 123`) by the value itself;
  // macros are answered by the renderer for every template of the render (render-state overrides).
  // is_incremental() answers from the render state (set from the override above).
  const values = Object.fromEntries(Object.entries(test.overrides.macros).filter(([name]) => name !== 'is_incremental' && !name.includes('.') && !ctx.renderer.hasMacro(name, model.packageName)));
  const rendered = ctx.renderer.renderString(model.rawCode, model.originalFilePath, state, values);
  const sql = replacePlaceholders(rendered, (target, attribute) => {
    const { name, fixture } = inputOf(target);
    if (attribute === 'schema' || attribute === 'database') return '';
    if (attribute === 'identifier' || attribute === 'name') return name;
    if (fixture !== undefined) return `(\n${fixture}\n)`;
    const call = target.kind === 'this' ? 'this' : target.kind === 'ref' ? refText(target) : `source('${target.source}', '${target.table}')`;
    return fail(
      `the model reads ${call === 'this' ? '{{ this }}' : call}, which is not among the test's given inputs (a unit test never reads the warehouse's tables)`,
      `Add '- input: ${call}' under given: with its rows ('rows: []' for none).`,
    );
  });
  const statements = splitStatements(sql);
  if (statements.length > 1 || isEmptySql(sql)) fail(`the model ${model.name} is not one SELECT`);
  return sql.replace(/;\s*$/, '');
}

/** A fixture as SQL: `sql` as written (Jinja rendered), rows typed like the input they stand for. */
async function inputSql(ctx: RunContext, test: UnitTestNode, input: UnitTestInput): Promise<string> {
  if (input.format === 'sql') return renderFixtureSql(ctx, test, input);
  const node = ctx.manifest.nodes.get(input.nodeId)!;
  const schema = await withPseudocolumns(ctx, node, await inputSchema(ctx, node), input.rows ?? []);
  return fixtureRowsSql(input.rows ?? [], schema, { what: input.isThis ? "'this'" : `'${node.name}'`, file: input.fixtureFile ?? test.originalFilePath, line: test.line }, input.format === 'csv');
}

function renderFixtureSql(ctx: RunContext, test: UnitTestNode, rows: UnitTestRows): string {
  const text = rows.sql ?? '';
  const file = rows.fixtureFile ?? test.originalFilePath;
  const sql = text.includes('{{') || text.includes('{%') ? ctx.renderer.renderString(text, file, newRenderState({ mode: 'parse' })) : text;
  return sql.trim().replace(/;\s*$/, '');
}

/**
 * dbt's pseudocolumns (get_pseudocolumns_for_relation) on ClickHouse: the relation's virtual columns
 * (`_part`, `_partition_id`, `_file`…), asked only when a fixture row names a column the relation
 * does not list. A server without `describe_include_virtual_columns` has none to offer.
 */
async function withPseudocolumns(ctx: RunContext, node: ManifestNode, schema: FixtureSchema, rows: readonly Readonly<Record<string, unknown>>[]): Promise<FixtureSchema> {
  const listed = new Set(schema.columns.map((c) => c.name.toLowerCase()));
  if (!schema.complete || !rows.some((r) => Object.keys(r).some((k) => !listed.has(k.toLowerCase())))) return schema;
  try {
    const rel = `${quoteIdentifier(node.relation.schema)}.${quoteIdentifier(node.relation.identifier)}`;
    const described = await ctx.adapter.client.query<{ name: string; type: string; is_virtual: number | string }>(`DESCRIBE TABLE ${rel} SETTINGS describe_include_virtual_columns = 1`);
    const pseudo = described.filter((c) => Number(c.is_virtual) === 1).map((c) => ({ name: c.name, type: c.type }));
    return pseudo.length > 0 ? { ...schema, pseudo } : schema;
  } catch {
    return schema;
  }
}

/**
 * The columns a fixture is typed by: the input's relation when the warehouse has it (dbt reads
 * them there: adapter.get_columns_in_relation), else its query's columns, else its YAML
 * `data_type`s, else none (the values say).
 */
async function inputSchema(ctx: RunContext, node: ManifestNode): Promise<FixtureSchema> {
  const ephemeral = node.resourceType === 'model' && node.config.materialized === 'ephemeral';
  if (!ephemeral && (await ctx.adapter.relationKind(node.relation)) !== undefined) {
    const columns = await ctx.adapter.columns(node.relation);
    if (columns.length > 0) return { columns: columns.map((c) => ({ name: c.name, type: c.type })), complete: true };
  }
  // A model not built yet: the columns its query would give (described, not run), as dbt's
  // advice to build inputs with --empty would give them.
  if (node.resourceType === 'model') {
    try {
      const columns = await ctx.adapter.queryColumns(nodeSql(ctx, node));
      if (columns.length > 0) return { columns: columns.map((c) => ({ name: c.name, type: c.type })), complete: true };
    } catch {
      // its own inputs are not there either: the YAML or the values say what the columns are
    }
  }
  const declared = Object.values(node.columns);
  const seedTypes = node.resourceType === 'seed' ? (node.config.column_types as Record<string, string> | undefined) ?? {} : {};
  const typed = (type: string | undefined) => (type ? { type: declaredType(ctx, node, type) } : {});
  return {
    columns: declared.map((c) => ({ name: c.name, ...typed(c.dataType ?? seedTypes[c.name]) })).concat(
      Object.entries(seedTypes).filter(([n]) => !declared.some((c) => c.name === n)).map(([name, type]) => ({ name, ...typed(type) })),
    ),
    complete: false,
  };
}

/**
 * A declared type (YAML data_type, a seed's column_types) as the input holds it once built: SQL's `date`, `timestamp`,
 * `numeric`, `float` as dbt_semantics casts to them (Date32, DateTime64(0)…: what the seed loads, what the model's
 * `cast(x as date)` gives, on what this server has), other warehouses' names (`string`, `int8`) as ClickHouse's — a
 * fixture typed by the raw name was ClickHouse's Date, making 1960-05-01 1970-01-01, or its numeric, Decimal(10, 0).
 */
function declaredType(ctx: RunContext, node: ManifestNode, type: string): string {
  const server = { clickhouseDates: lacksWideDates(ctx.adapter), narrowDecimals: lacksWideDecimals(ctx.adapter) };
  return (dbtSemantics(node) ? dbtSemanticsType(type, server) : undefined) ?? clickhouseTypeSpelling(type);
}

/** The model's output column a tested (expected) column names, case-insensitively; dbt's error when there is none. */
function columnOf(schema: FixtureSchema, name: string, fail: (message: string, hint?: string) => never): string {
  const found = schema.columns.find((c) => c.name === name) ?? schema.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found)
    fail(`Invalid column name: '${name.toLowerCase()}' in unit test fixture for expected output.\nAccepted columns for expected output are: [${schema.columns.map((c) => `'${c.name.toLowerCase()}'`).join(', ')}]`, 'Expect only columns the model returns.');
  return found!.name;
}


/** A node's `query_settings` as a mapping (undefined when it has none). */
function querySettingsOf(node: ModelNode): Readonly<Record<string, unknown>> | undefined {
  const own = node.config.query_settings;
  return own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : undefined;
}
