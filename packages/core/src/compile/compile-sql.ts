import type { Manifest } from '../manifest/manifest.js';
import { lookupRef, lookupSource, nodeLookup, type NodeLookup } from '../manifest/node-lookup.js';
import type { CompiledCode, ManifestNode, ModelNode, Relation } from '../manifest/nodes.js';
import { isEmptySql } from '../shared/empty-sql.js';
import { ProjectError } from '../shared/errors.js';
import { relationSql, replacePlaceholders, quoteIdentifier, refText, type PlaceholderTarget, type RelationAttribute } from '../render/placeholders.js';
import type { RelationResolver } from '../render/render-state.js';

/** Looks up nodes by what templates call them (dbt's package search order). Built once per manifest. */
export class RelationIndex {
  private lookupMemo: NodeLookup | undefined;
  /** `--empty` (dbt 1.8): every ref() and source() printed in SQL reads zero rows of its relation. */
  readonly emptyInputs: boolean = false;

  constructor(readonly manifest: Manifest) {}

  /** Built on first use: it reads every model's version (a warm start's `ls` compiles nothing and decodes no node for it). */
  private get lookup(): NodeLookup {
    return (this.lookupMemo ??= nodeLookup(this.manifest.nodes.values()));
  }

  /** This index, compiling every ref() and source() printed in SQL to a zero-row subquery (`--empty`). */
  withEmptyInputs(): RelationIndex {
    return Object.assign(Object.create(this) as RelationIndex, { emptyInputs: true });
  }

  /**
   * `--defer`: refs to these nodes compile to the given relations (the state manifest's), as dbt's
   * `defer_relation`; `this` and every other node keep their own.
   */
  withDeferred(relations: ReadonlyMap<string, Relation>): RelationIndex {
    if (relations.size === 0) return this;
    const base = this;
    const resolve = (target: PlaceholderTarget, self: ManifestNode | undefined): ManifestNode | undefined => {
      const found = base.resolve(target, self);
      const deferred = found && target.kind !== 'this' ? relations.get(found.uniqueId) : undefined;
      return deferred ? { ...found!, relation: deferred } : found;
    };
    return Object.assign(Object.create(this) as RelationIndex, { resolve });
  }

  resolve(target: PlaceholderTarget, self: ManifestNode | undefined): ManifestNode | undefined {
    const root = this.manifest.projectName;
    if (target.kind === 'ref') return lookupRef(this.lookup, target.name, target.package, self?.packageName, root, target.version);
    if (target.kind === 'source') return lookupSource(this.lookup, target.source, target.table, self?.packageName, root);
    return self;
  }

  /** Final names for the relations a render of `self` uses (Relation objects with real names). */
  resolver(self: ManifestNode | undefined): RelationResolver {
    return (target) => {
      const found = this.resolve(target, self);
      if (!found) return undefined;
      const ephemeral = target.kind !== 'this' && isEphemeral(found);
      return { schema: found.relation.schema, identifier: ephemeral ? found.name : found.relation.identifier, ephemeral };
    };
  }
}

export const EPHEMERAL_PREFIX = '__dbt__cte__';

function attributeOf(node: ManifestNode, attribute: RelationAttribute, ephemeral: boolean): string {
  if (ephemeral) return attribute === 'schema' || attribute === 'database' ? '' : attribute ? `${EPHEMERAL_PREFIX}${node.name}` : quoteIdentifier(`${EPHEMERAL_PREFIX}${node.name}`);
  switch (attribute) {
    case '':
      return relationSql(node.relation.schema, node.relation.identifier);
    case 'schema':
    case 'database':
      return node.relation.schema;
    default:
      return node.relation.identifier;
  }
}

const isEphemeral = (n: ManifestNode): n is ModelNode => n.resourceType === 'model' && n.config.materialized === 'ephemeral';

/** A microbatch batch's window: refs and sources with an `event_time` config are read within it. */
export interface EventTimeWindow {
  /** `YYYY-MM-DD hh:mm:ss`, UTC. */
  readonly start: string;
  readonly end: string;
}

/**
 * dbt's event-time filtered relation (BaseRelation.render_event_time_filtered), with the bounds as
 * UTC DateTime values rather than dbt-clickhouse's string literals, which a Date column refuses.
 */
export function eventTimeFiltered(relation: string, column: string, w: EventTimeWindow): string {
  return `(select * from ${relation} where ${column} >= toDateTime('${w.start}', 'UTC') and ${column} < toDateTime('${w.end}', 'UTC'))`;
}

export interface CompileOptions {
  readonly eventTimeWindow?: EventTimeWindow;
  /** The rendered SQL of an ephemeral model to inline (at run time: rendered again when it reads the warehouse). Default: its parse render. */
  readonly ephemeralSql?: (ephemeral: ModelNode) => string;
  /** dbt's `--sample`: every ref() and source() with an `event_time` (in the node or the ephemerals it inlines) is read within it. */
  readonly sampleWindow?: EventTimeWindow;
  /** dbt's `compile --no-inject-ephemeral-ctes`: ephemeral models stay `__dbt__cte__<name>` names, their CTEs not added. */
  readonly injectEphemeralCtes?: boolean;
}

/**
 * Final SQL of a node: placeholders replaced by relation names, ephemeral models it uses
 * inlined as CTEs (`__dbt__cte__<name>`), as dbt does. With `eventTimeWindow` (a microbatch batch),
 * the refs and sources the node reads that have an `event_time` are read within the window.
 */
export function compileSql(index: RelationIndex, node: ManifestNode | undefined, rendered: string, options: CompileOptions = {}): string {
  return compileSqlWithCtes(index, node, rendered, options).sql;
}

/** compileSql() with what it inlined: dbt's extra_ctes, and each inlined ephemeral model as compiled by the way (dbt compiles it as it injects it). */
export interface CompiledWithCtes extends CompiledCode {
  readonly ephemerals: readonly { readonly node: ModelNode; readonly compiled: CompiledCode }[];
}

/** compileSql(), telling which ephemeral models it inlined (dbt's extra_ctes: nested ones first, each once). */
export function compileSqlWithCtes(index: RelationIndex, node: ManifestNode | undefined, rendered: string, options: CompileOptions = {}): CompiledWithCtes {
  const ephemerals: ModelNode[] = [];
  const seen = new Set<string>();
  // The ephemerals each compiled text reads directly (by unique id; '' is the node itself).
  const reads = new Map<string, Set<string>>();
  const substitute = (text: string, self: ManifestNode | undefined): string =>
    replacePlaceholders(text, (target, attribute) => {
      const found = index.resolve(target, self);
      if (!found) {
        if (target.kind === 'this') return '';
        // Never SQL with a hole in it: name what is missing (load resolves refs; this is a ref load did not see).
        const call = target.kind === 'ref' ? refText(target) : `source('${target.source}', '${target.table}')`;
        throw new ProjectError(target.kind === 'ref' ? 'unknown_ref' : 'unknown_source', `${node ? `${node.name}: ` : ''}${call} names no ${target.kind === 'ref' ? 'model or seed' : 'declared source'}`, {
          file: node?.originalFilePath,
          hint: target.kind === 'ref' ? 'Check the model name (the file name without .sql), and that the model is enabled.' : 'Declare it under sources: in a YAML file.',
        });
      }
      const ephemeral = target.kind !== 'this' && isEphemeral(found);
      if (ephemeral) {
        const reader = self === node ? '' : self!.uniqueId;
        let read = reads.get(reader);
        if (!read) reads.set(reader, (read = new Set()));
        read.add(found.uniqueId);
      }
      if (ephemeral && !seen.has(found.uniqueId)) {
        seen.add(found.uniqueId);
        if (isEmptySql(found.renderedCode) && !found.renderAtRuntime) throw emptySqlError(found);
        // Compile the ephemeral's own SQL first, so its own ephemerals come before it.
        const body = substitute(options.ephemeralSql ? options.ephemeralSql(found) : found.renderedCode, found);
        ephemerals.push({ ...found, renderedCode: body });
      }
      const name = attributeOf(found, attribute, ephemeral);
      // dbt's render_limited() with limit 0 (dbt-clickhouse needs no subquery alias); `this` stays itself.
      if (index.emptyInputs && attribute === '' && target.kind !== 'this') return `(select * from ${name} where false limit 0)`;
      const column = found.config.event_time;
      if (options.eventTimeWindow && self === node && attribute === '' && target.kind !== 'this' && !ephemeral && typeof column === 'string' && column)
        return eventTimeFiltered(name, column, options.eventTimeWindow);
      if (options.sampleWindow && attribute === '' && target.kind !== 'this' && !ephemeral && typeof column === 'string' && column)
        return eventTimeFiltered(name, column, options.sampleWindow);
      return name;
    });
  const sql = substitute(rendered, node);
  if (ephemerals.length === 0) return { sql, extraCtes: [], extraCtesInjected: true, ephemerals: [] };
  if (options.injectEphemeralCtes === false)
    // dbt's --no-inject-ephemeral-ctes: the ephemerals the node reads listed, with no SQL.
    return { sql, extraCtes: [...(reads.get('') ?? [])].map((id) => ({ id, sql: null })), extraCtesInjected: false, ephemerals: [] };
  const cteOf = (e: ModelNode) => `${quoteIdentifier(EPHEMERAL_PREFIX + e.name)} as (\n${e.renderedCode}\n)`;
  // `ephemerals` is in dbt's order (each after those it reads): an ephemeral's own CTEs are the ones it reaches, in that order.
  const reached = (from: string): ModelNode[] => {
    const out = new Set<string>();
    const visit = (id: string) => {
      for (const next of reads.get(id) ?? []) if (!out.has(next)) (out.add(next), visit(next));
    };
    visit(from);
    return ephemerals.filter((e) => out.has(e.uniqueId));
  };
  const compiled = (body: string, ctes: ModelNode[]): CompiledCode => ({
    sql: ctes.length ? injectCtes(body, ctes.map(cteOf).join(',\n')) : body,
    // dbt's InjectedCTE.sql: ' <name> as (\n<sql>\n)', the ephemeral's SQL before its own CTEs were injected.
    extraCtes: ctes.map((e) => ({ id: e.uniqueId, sql: ` ${cteOf(e)}` })),
    extraCtesInjected: true,
  });
  return { ...compiled(sql, ephemerals), ephemerals: ephemerals.map((e) => ({ node: e, compiled: compiled(e.renderedCode, reached(e.uniqueId)) })) };
}

/** Puts `ctes` into the query's WITH clause, creating one if the query has none. */
export function injectCtes(sql: string, ctes: string): string {
  const lead = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)/.exec(sql)![1]!;
  const rest = sql.slice(lead.length);
  const withMatch = /^with\s/i.exec(rest);
  if (withMatch) return `${lead}with ${ctes},\n${rest.slice(withMatch[0].length)}`;
  return `${lead}with ${ctes}\n${rest}`;
}

/**
 * A model or singular test with no query: dbt parses it and the warehouse fails it with a syntax
 * error at the end of `CREATE VIEW … AS`; tsdbt says what is wrong with the file instead.
 */
export function emptySqlError(node: Pick<ManifestNode, 'name' | 'resourceType' | 'originalFilePath'>): ProjectError {
  const kind = node.resourceType === 'test' ? 'Test' : 'Model';
  return new ProjectError('empty_model', `${kind} ${node.name} has no SQL: ${node.originalFilePath} is empty or holds only comments and config()`, {
    file: node.originalFilePath,
    hint: `Write its SELECT, or delete the file${node.resourceType === 'test' ? '' : " (or disable it with {{ config(enabled=false) }})"}.`,
  });
}
