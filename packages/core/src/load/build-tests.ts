import { DEFAULT_TEST_CONFIG } from '../manifest/config.js';
import type { GenericTestCall, ManifestNode, RefCall, TestNode } from '../manifest/nodes.js';
import { placeholder } from '../render/placeholders.js';
import { lateRelation } from '../render/relation.js';
import type { Renderer } from '../render/renderer.js';
import { newRenderState, type RenderState } from '../render/render-state.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';
import { finalizeConfig, folderConfig, mergeLayers, type PartialConfig } from './node-config.js';
import type { TestDeclaration } from './schema-yaml.js';
import { genericTestHash, genericTestNames } from './test-names.js';
import { renderCached } from './parse-sql-node.js';
import { testRelationFor } from './relation-names.js';
import { genericTestMemoOf } from './generic-test-memo.js';

export interface TestBuildContext {
  readonly projectName: string;
  readonly renderer: Renderer;
  /** The target's schema: a test's relation is `<it>_dbt_test__audit` by default (testRelationFor). */
  readonly targetSchema: string;
  readonly testsConfig: Readonly<Record<string, unknown>>;
  readonly projectFile: string;
  readonly projectLineOf: (path: (string | number)[]) => number;
  /** For an installed package's tests: the root project's `data_tests:` tree, applied last (dbt). */
  readonly rootOverride?: { readonly testsConfig: Readonly<Record<string, unknown>>; readonly projectFile: string; readonly projectLineOf: (path: (string | number)[]) => number };
}

/** A test argument like `to: ref('customers')` is a Jinja expression, rendered with the dbt context. */
const EXPRESSION_ARG = /^\s*(ref|source)\s*\(/;

/**
 * Builds the node of a generic test declared in YAML on `attached` (a model, seed or source):
 * its name, config, dependencies and the rendered test query (without dbt's failure wrapper).
 */
export function buildGenericTest(ctx: TestBuildContext, decl: TestDeclaration, attached: ManifestNode): TestNode {
  const { renderer } = ctx;
  // dbt: `{{ test_<name>(...) }}` resolved for the test's package, or `{{ <namespace>.test_<name>(...) }}`.
  const macroName = `${decl.namespace ? `${decl.namespace}.` : ''}test_${decl.testName}`;
  const unknown = renderer.hasMacro(macroName, ctx.projectName) ? undefined : unknownTest(ctx, decl);
  if (renderer.isBuiltin(macroName)) checkBuiltinTestArgs(decl);
  // dbt: `[<namespace>_][source_]<test>_<resource>_<args>`, a source's resource being `<source>_<table>`.
  const isSource = attached.resourceType === 'source';
  // A model version's tests are named after the version (dbt's `<name>_v<v>` target name).
  const version = attached.resourceType === 'model' ? attached.version : undefined;
  const resourceLabel = isSource ? `${(attached as { sourceName: string }).sourceName}_${attached.name}` : version !== undefined ? `${attached.name}_v${version}` : attached.name;
  const testLabel = `${decl.namespace ? `${decl.namespace}_` : ''}${isSource ? 'source_' : ''}${decl.testName}`;
  const names = decl.customName === undefined ? genericTestNames(testLabel, resourceLabel, decl.kwargs) : { short: decl.customName, full: decl.customName };
  // dbt: the full name is the node's name, fqn and unique id; a name of 64+ characters gets the
  // short one (`<first 30>_<md5>`) as its alias (its relation, compiled file and stored failures).
  const name = names.full;
  const ownConfig: Readonly<Record<string, unknown>> = names.short !== names.full && decl.config.alias === undefined ? { ...decl.config, alias: names.short } : decl.config;
  const state = newRenderState({
    mode: 'parse',
    node: { uniqueId: '', name, resourceType: 'test', packageName: ctx.projectName, originalFilePath: decl.file, fqn: [], baseConfig: {} },
  });
  const model: GenericTestCall['model'] = attached.resourceType === 'source'
    ? { kind: 'source', source: (attached as { sourceName: string }).sourceName, table: attached.name }
    : { kind: 'ref', package: attached.packageName === ctx.projectName ? '' : attached.packageName, name: attached.name, ...(version !== undefined ? { version } : {}) };
  const fqn = [ctx.projectName, ...attached.fqn.slice(1, -1), name];
  const folderLayer = folderConfig(ctx.testsConfig, fqn, ctx.projectFile, ctx.projectLineOf, ['data_tests']);
  const o = ctx.rootOverride;
  const rootLayers = o ? [folderConfig(o.testsConfig, fqn, o.projectFile, o.projectLineOf, ['data_tests'])] : [];
  const whereOf = (c: Readonly<Record<string, unknown>>) => (typeof c.where === 'string' && c.where.trim() ? c.where : undefined);
  const before = finalizeConfig(DEFAULT_TEST_CONFIG, [folderLayer, ownConfig as PartialConfig, ...rootLayers]);
  let call: GenericTestCall = {
    macroName,
    kwargs: decl.kwargs,
    model,
    where: whereOf(before),
    ...(unknown ? { missing: { message: unknown.message, hint: unknown.hint ?? '', line: unknown.line ?? decl.line } } : {}),
  };
  // Reused from the parse cache when the call and all it read are unchanged (load/parse-cache.ts).
  const render = (c: GenericTestCall, which: string) =>
    renderCached(renderer, state, `test.${ctx.projectName}.${name}${which}`, () => JSON.stringify(c), () => {
      const memo = genericTestMemoOf.get(renderer);
      return memo ? memo.render(c, state, (call, into) => renderGenericTest(renderer, call, into, decl.file)) : renderGenericTest(renderer, c, state, decl.file);
    });
  let rendered = unknown ? '' : inTest(decl, name, () => render(call, ''));
  // config() inside the {% test %} block sets defaults: the YAML's own config still wins (dbt's order).
  const config = state.configCalls.length
    ? finalizeConfig(DEFAULT_TEST_CONFIG, [folderLayer, ...(state.configCalls as PartialConfig[]), ownConfig as PartialConfig, ...rootLayers])
    : before;
  if (!unknown && whereOf(config) !== call.where) {
    call = { ...call, where: whereOf(config) };
    rendered = render(call, '#where');
  }
  const refs: RefCall[] = [...state.refs];
  const testMetadata = { name: decl.testName, namespace: decl.namespace, kwargs: { ...decl.kwargs, model: `{{ get_where_subquery(${attached.resourceType === 'source' ? `source('${(attached as { sourceName: string }).sourceName}', '${attached.name}')` : `ref('${attached.name}'${version !== undefined ? `, version='${version}'` : ''})`}) }}` } };
  // dbt's id: its hash of the fqn name and test_metadata (the same test twice is dbt's duplicate).
  const uniqueId = `test.${ctx.projectName}.${name}.${genericTestHash(names.full, testMetadata)}`;
  return Object.freeze({
    uniqueId,
    resourceType: 'test',
    name,
    packageName: ctx.projectName,
    fqn,
    originalFilePath: decl.file,
    line: decl.line,
    description: decl.description ?? '',
    config,
    // dbt's unrendered_config: the keys the project's tests: tree, the test's config() and YAML set
    unrenderedConfig: mergeLayers([folderLayer, ...(state.configCalls as PartialConfig[]), ownConfig as PartialConfig, ...rootLayers]),
    tags: config.tags,
    columns: {},
    dependsOn: [attached.uniqueId], // refs are resolved and appended by the loader
    macrosUsed: [...state.macrosUsed],
    relation: testRelationFor({ uniqueId, name, resourceType: 'test', packageName: ctx.projectName, originalFilePath: decl.file, fqn, config }, ctx.targetSchema, ctx.renderer),
    testType: 'generic',
    testMetadata,
    columnName: decl.columnName,
    attachedNode: attached.uniqueId,
    rawCode: `{{ ${macroName}(**_dbt_generic_test_kwargs) }}`,
    renderedCode: rendered.trim(),
    refs,
    sources: [...state.sources],
    renderAtRuntime: state.usesWarehouse || unknown !== undefined,
    needsNames: state.needsNames || unknown !== undefined,
    genericCall: call,
  } satisfies TestNode);
}

/**
 * Renders a generic test's macro with `state`: YAML arguments that are `ref()`/`source()` calls
 * evaluated as dbt's native rendering does (Relations, recorded as dependencies), `model` the tested relation or, under a
 * `where`, dbt's subquery of it (get_where_subquery).
 */
export function renderGenericTest(renderer: Renderer, call: GenericTestCall, state: RenderState, file: string): string {
  if (call.missing) throw new ProjectError('unknown_test', call.missing.message, { file, line: call.missing.line, hint: call.missing.hint });
  const kwargs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(call.kwargs)) kwargs[k] = renderArgument(renderer, v, file, state);
  const model = !renderer.isBuiltin('get_where_subquery')
    ? projectWhereSubquery(renderer, call, state)
    : call.where ? `(select * from ${placeholder(call.model, '')} where ${call.where}) dbt_subquery` : lateRelation(call.model, state);
  return renderer.callMacro(call.macroName, state, [], { ...kwargs, model });
}

/**
 * `model` from the project's or a package's get_where_subquery (dbt documents overriding it: custom
 * `where` placeholders, a filter on every test). It reads the test's `where` through config.get, as in
 * dbt's compile: at load the render's node has no config yet, so the call's `where` is given to it.
 */
function projectWhereSubquery(renderer: Renderer, call: GenericTestCall, state: RenderState): unknown {
  const node = state.node && { ...state.node, baseConfig: { ...state.node.baseConfig, where: call.where ?? null } };
  const sub: RenderState = { ...state, ...(node ? { node } : {}), configCalls: [...state.configCalls, { where: call.where ?? null }] };
  const model = renderer.callMacroValue('get_where_subquery', sub, [lateRelation(call.model, state)]);
  state.usesWarehouse ||= sub.usesWarehouse;
  state.needsNames ||= sub.needsNames;
  return model;
}

/** A test argument as dbt renders it: Jinja rendered natively, a bare `ref(...)`/`source(...)` evaluated; lists and mappings item by item. */
function renderArgument(renderer: Renderer, v: unknown, file: string, state: RenderState): unknown {
  if (typeof v === 'string') {
    if (EXPRESSION_ARG.test(v)) return renderer.evaluate(v, file, state);
    return v.includes('{{') || v.includes('{%') ? renderer.renderNative(v, file, state) : v;
  }
  if (Array.isArray(v)) return v.map((x) => renderArgument(renderer, x, file, state));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderArgument(renderer, x, file, state)]));
  return v;
}

/** An unknown generic test: a package not installed, a test the package lacks, or no such test. */
/**
 * The arguments dbt's built-in generic tests cannot do without (their signatures have no default):
 * Jinja would render `accepted_values` without `values` as `not in ()` and the warehouse would
 * fail with a syntax error at run time — say so at load, where the YAML is.
 */
const BUILTIN_TEST_ARGS: Readonly<Record<string, readonly { readonly name: string; readonly list?: boolean; readonly example: string }[]>> = {
  accepted_values: [{ name: 'values', list: true, example: 'values: [placed, shipped]' }],
  relationships: [
    { name: 'to', example: "to: ref('customers')" },
    { name: 'field', example: 'field: id' },
  ],
};

function checkBuiltinTestArgs(decl: TestDeclaration): void {
  for (const arg of BUILTIN_TEST_ARGS[decl.testName] ?? []) {
    const value = decl.kwargs[arg.name];
    const on = decl.columnName ? ` on column '${decl.columnName}'` : '';
    if (value === undefined || value === null)
      throw new ProjectError('test_args', `${decl.testName}${on} needs '${arg.name}'`, { file: decl.file, line: decl.exactLine(), hint: `Add it under the test, e.g. ${arg.example}.` });
    // A Jinja string (`values: "{{ var('types') }}"`) renders to the list, as dbt renders test arguments natively.
    if (arg.list && !Array.isArray(value) && !(typeof value === 'string' && /\{\{|\{%/.test(value)))
      throw new ProjectError('test_args', `${decl.testName}${on}: '${arg.name}' must be a list`, { file: decl.file, line: decl.exactLine(), hint: `Write e.g. ${arg.example}.` });
  }
}

function unknownTest(ctx: TestBuildContext, decl: TestDeclaration): ProjectError {
  const ns = decl.namespace;
  const installed = ns !== undefined && (ns === ctx.projectName || ctx.renderer.registry.packageMacros(ns) !== undefined);
  const hint =
    ns === undefined
      ? `Built-in tests are not_null, unique, accepted_values, relationships; define others with {% test ${decl.testName}(model, column_name) %} in the macro or test paths. A package's test is written with its namespace, e.g. dbt_utils.${decl.testName}.`
      : installed
        ? `Package '${ns}' has no test '${decl.testName}' (no {% test ${decl.testName}(...) %} in its macros): check the name and the package version.`
        : `'${ns}' is not an installed package: add it to packages.yml and run tsdbt deps.`;
  return new ProjectError('unknown_test', `Unknown generic test '${ns ? `${ns}.` : ''}${decl.testName}'`, { file: decl.file, line: decl.exactLine(), hint });
}

/**
 * Errors while building a test name the test: an argument's error points at the test's entry in
 * the YAML (not at the expression's position in a one-line template); a macro's error says which
 * test it was rendering.
 */
function inTest<T>(decl: TestDeclaration, name: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    if (error.file === decl.file)
      throw new ProjectError(error.code, `${error.message} (in test '${name}')`, { file: decl.file, line: decl.exactLine(), hint: error.hint, cause: error, callChain: error.callChain });
    throw new ProjectError(error.code, `${error.message} (rendering test '${name}' declared at ${decl.file}:${decl.exactLine()})`, {
      file: error.file,
      line: error.line,
      column: error.column,
      hint: error.hint,
      cause: error,
      callChain: error.callChain,
    });
  }
}
