import { bindArgs, given } from './call-args.js';
import { PRINT } from './jinja-compat/python-values.js';
import { placeholder, quoteIdentifier, type PlaceholderTarget, type RelationAttribute } from './placeholders.js';
import type { RenderState } from './render-state.js';

/**
 * dbt's Relation (dbt-adapters BaseRelation, as dbt-clickhouse's ClickHouseRelation configures it):
 * a path (database, schema, identifier), a type, and include/quote policies that decide how it
 * renders. On ClickHouse a dbt "schema" is a database and `database` is always empty.
 *
 * Relations from ref(), source() and `this` are *late-bound*: at parse time the final names of other
 * nodes are not known yet. Printed as a whole they render a placeholder that compile/ replaces; any
 * other use of a name (an attribute, a string filter, a comparison) asks the resolver, and when the
 * names are not known yet the render is flagged to run again once they are (see RenderState.needsNames).
 */

export type RelationTypeName = 'table' | 'view' | 'cte' | 'materialized_view' | 'external' | 'ephemeral' | 'dictionary' | 'pointer_table' | 'function';

interface Policy {
  readonly database: boolean;
  readonly schema: boolean;
  readonly identifier: boolean;
}

type Part = 'database' | 'schema' | 'identifier';
const PARTS: readonly Part[] = ['database', 'schema', 'identifier'];

/** A late-bound relation's final names, once known. */
export interface ResolvedRelation {
  readonly schema: string;
  readonly identifier: string;
  /** An ephemeral model: referenced as the CTE `__dbt__cte__<name>`. */
  readonly ephemeral?: boolean;
  /**
   * A unit test's given input: the relation prints as its whole placeholder wherever it goes (into a string
   * too: `'select * from ' ~ ref('a')`), which the unit test replaces with the fixture's rows.
   */
  readonly inline?: boolean;
  /** `{{ this }}` prints its placeholder all the same (a unit test answers it from its given inputs, or names it missing). */
  readonly printsPlaceholder?: boolean;
}

export interface LateBinding {
  readonly target: PlaceholderTarget;
  /** The final names, or undefined while they are not known. */
  resolve(): ResolvedRelation | undefined;
  /** Called when a name was needed but is not known yet. */
  unresolved(): void;
}

type PathInit = Partial<Record<Part, string | null>>;

interface RelationInit {
  readonly path: PathInit;
  readonly type: string | null;
  readonly include: Policy;
  readonly quote: Policy;
  readonly late?: LateBinding;
  readonly extra: Readonly<Record<string, unknown>>;
}

const DEFAULT_INCLUDE: Policy = { database: false, schema: true, identifier: true };
const DEFAULT_QUOTE: Policy = { database: true, schema: true, identifier: true };
const TYPES: Record<string, RelationTypeName> = {
  Table: 'table', View: 'view', CTE: 'cte', MaterializedView: 'materialized_view', External: 'external',
  Ephemeral: 'ephemeral', Dictionary: 'dictionary', PointerTable: 'pointer_table', Function: 'function',
};

export const EPHEMERAL_PREFIX = '__dbt__cte__';

export class Relation {
  /** Jinja's `is mapping` (dbt's Relation is a Mapping: dbt_utils checks `obj is mapping`). */
  readonly __mapping__ = true;
  private readonly init: RelationInit;

  constructor(init: Partial<RelationInit> & { path: PathInit }) {
    this.init = { type: null, include: DEFAULT_INCLUDE, quote: DEFAULT_QUOTE, extra: {}, ...init };
  }

  /** `api.Relation.create(database=None, schema=None, identifier=None, type=None, **kwargs)`. */
  static create(...args: unknown[]): Relation {
    const a = bindArgs(args, ['database', 'schema', 'identifier', 'type']);
    const { database, schema, identifier, type, quote_policy, include_policy, ...extra } = a;
    return new Relation({
      // ClickHouse: the database part is always empty (dbt-clickhouse's ClickHouseRelation).
      path: { database: '', schema: str(schema), identifier: str(identifier) },
      type: given(type) ? String(type) : null,
      quote: { ...DEFAULT_QUOTE, ...policyOf(quote_policy) },
      include: { ...DEFAULT_INCLUDE, ...policyOf(include_policy) },
      extra,
    });
  }

  /** A late-bound relation (ref, source, this). */
  static late(late: LateBinding): Relation {
    return new Relation({ path: {}, late });
  }

  // --- path -----------------------------------------------------------------------------------
  private resolved(): ResolvedRelation | undefined {
    return this.init.late?.resolve();
  }

  private ephemeral(): boolean {
    return this.resolved()?.ephemeral === true;
  }

  /** One part of the path: explicit, resolved, or (not known yet) a placeholder and a flag. */
  private part(name: Part): string | null {
    const explicit = this.init.path[name];
    if (explicit !== undefined) return explicit;
    const late = this.init.late;
    if (!late) return null;
    if (name === 'database') return '';
    const r = late.resolve();
    if (r) return r.ephemeral ? (name === 'schema' ? null : `${EPHEMERAL_PREFIX}${r.identifier}`) : r[name];
    late.unresolved();
    return placeholder(late.target, name as RelationAttribute);
  }

  get path(): Record<Part, string | null> {
    return { database: this.part('database'), schema: this.part('schema'), identifier: this.part('identifier') };
  }
  get database(): string | null {
    return this.part('database');
  }
  get schema(): string | null {
    return this.part('schema');
  }
  get identifier(): string | null {
    return this.part('identifier');
  }
  get name(): string | null {
    return this.identifier;
  }
  get table(): string | null {
    return this.identifier;
  }

  // --- type -----------------------------------------------------------------------------------
  get type(): string | null {
    if (this.init.type === null && this.init.late && this.ephemeral()) return 'cte';
    return this.init.type;
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  get is_dictionary(): boolean {
    return this.type === 'dictionary';
  }
  get is_pointer(): boolean {
    return this.type === 'pointer_table';
  }
  get is_function(): boolean {
    return this.type === 'function';
  }
  get is_temporary(): boolean {
    return this.init.extra.is_temporary === true;
  }
  get can_exchange(): boolean {
    return this.init.extra.can_exchange === true;
  }
  get can_on_cluster(): boolean {
    return this.init.extra.can_on_cluster === true;
  }
  get limit(): unknown {
    return this.init.extra.limit ?? null;
  }
  get quote_character(): string {
    return '`';
  }
  get include_policy(): Policy {
    return this.init.include;
  }
  get quote_policy(): Policy {
    return this.init.quote;
  }
  static get Table(): string { return 'table'; }
  static get View(): string { return 'view'; }
  static get CTE(): string { return 'cte'; }
  static get MaterializedView(): string { return 'materialized_view'; }
  static get External(): string { return 'external'; }
  static get Ephemeral(): string { return 'ephemeral'; }
  static get Dictionary(): string { return 'dictionary'; }
  static get PointerTable(): string { return 'pointer_table'; }
  static get Function(): string { return 'function'; }
  /** `Relation.get_relation_type.View` and friends. */
  static get get_relation_type(): Record<string, RelationTypeName> {
    return TYPES;
  }
  Table = 'table';
  View = 'view';
  CTE = 'cte';
  MaterializedView = 'materialized_view';

  // --- derived relations ----------------------------------------------------------------------
  private with(changes: Partial<RelationInit>): Relation {
    return new Relation({ ...this.init, ...changes });
  }

  include(...args: unknown[]): Relation {
    return this.with({ include: { ...this.init.include, ...policyOf(bindArgs(args, PARTS)) } });
  }

  quote(...args: unknown[]): Relation {
    return this.with({ quote: { ...this.init.quote, ...policyOf(bindArgs(args, PARTS)) } });
  }

  /** `incorporate(path={...}, type=..., **fields)`: a copy with those fields replaced. */
  incorporate(...args: unknown[]): Relation {
    const { path, type, quote_policy, include_policy, ...extra } = bindArgs(args, []);
    const p = (path ?? {}) as PathInit;
    const newPath: PathInit = { ...this.init.path };
    for (const k of PARTS) if (k in p) newPath[k] = str(p[k]);
    return this.with({
      path: newPath,
      type: type === undefined ? this.init.type : given(type) ? String(type) : null,
      quote: { ...this.init.quote, ...policyOf(quote_policy) },
      include: { ...this.init.include, ...policyOf(include_policy) },
      extra: { ...this.init.extra, ...extra },
    });
  }

  /** dbt's Replaceable.replace(**fields) (dataclasses.replace): a copy with those fields — `limit`, `event_time_filter`… */
  replace(...args: unknown[]): Relation {
    return this.incorporate(...args);
  }

  replace_path(...args: unknown[]): Relation {
    return this.incorporate({ path: bindArgs(args, PARTS), __keywords: true });
  }

  without_identifier(): Relation {
    return this.include({ identifier: false, __keywords: true }).replace_path({ identifier: null, __keywords: true });
  }

  /**
   * dbt's `information_schema(view_name=None)`: the relation `INFORMATION_SCHEMA` (unquoted, the
   * schema left out; ClickHouse has that database, upper and lower case, with `COLUMNS`, `TABLES`…),
   * followed by the view when one is named. (dbt-clickhouse inherits BaseRelation's, which renders
   * its empty database as `""` — `"".INFORMATION_SCHEMA`, refused — so dbt-profiler's
   * `{{ relation.information_schema() }}.COLUMNS` fails there.)
   */
  information_schema(...args: unknown[]): Relation {
    const { view_name } = bindArgs(args, ['view_name']);
    return new Relation({
      path: { database: '', schema: null, identifier: 'INFORMATION_SCHEMA' },
      type: 'view',
      include: { database: false, schema: false, identifier: true },
      quote: { ...this.init.quote, identifier: false },
      extra: { information_schema_view: typeof view_name === 'string' ? view_name : null },
    });
  }

  information_schema_only(): Relation {
    return this.information_schema();
  }

  /** dbt-clickhouse's derivative(): the same schema, identifier + suffix. */
  derivative(suffix: unknown, type?: unknown): Relation {
    return Relation.create({ schema: this.schema, identifier: `${this.identifier ?? ''}${String(suffix)}`, type: type ?? this.type, __keywords: true });
  }

  matches(...args: unknown[]): boolean {
    const a = bindArgs(args, PARTS);
    return PARTS.every((k) => !given(a[k]) || a[k] === this.part(k));
  }

  quoted(identifier: unknown): string {
    return quoteIdentifier(String(identifier));
  }

  // --- rendering ------------------------------------------------------------------------------
  render(): string {
    // An ephemeral model renders as its CTE name (dbt: include nothing else, identifier unquoted).
    if (this.init.late && this.ephemeral() && this.init.path.identifier === undefined) return `${EPHEMERAL_PREFIX}${this.resolved()!.identifier}`;
    if (this.init.late && this.resolved()?.inline && this.init.path.identifier === undefined) return placeholder(this.init.late.target, '');
    const parts: string[] = [];
    for (const k of PARTS) {
      if (!this.init.include[k]) continue;
      const v = this.part(k);
      if (v === null || v === '') continue;
      parts.push(this.init.quote[k] ? quoteIdentifier(v) : v);
    }
    const view = this.init.extra.information_schema_view;
    if (typeof view === 'string') parts.push(view);
    return parts.join('.');
  }

  render_limited(): string {
    const limit = this.limit;
    if (limit === null || limit === undefined) return this.render();
    return Number(limit) === 0 ? `(select * from ${this.render()} where false limit 0)` : `(select * from ${this.render()} limit ${Number(limit)})`;
  }

  /**
   * What `{{ relation }}` prints. A late-bound relation printed as a whole is a placeholder, so
   * compile/ can put in the final name (and inline an ephemeral model) without flagging the render.
   */
  [PRINT](): string {
    const late = this.init.late;
    const untouched = late && Object.keys(this.init.path).length === 0 && samePolicy(this.init.include, DEFAULT_INCLUDE) && samePolicy(this.init.quote, DEFAULT_QUOTE);
    if (untouched && this.limit === null) return this.printsFinalName(late) ? this.render() : placeholder(late.target, '');
    return this.render_limited();
  }

  /**
   * `this` once its names are final prints them, the text `this | string` gives: in dbt both are one
   * text, and EqualExperts/dbt-unit-testing renders a model and then replaces `this | string` in it with
   * its mock. compile/ does nothing else to `this` (no defer, --empty or event-time window); a unit
   * test's `this` input and an ephemeral model's `this` stay placeholders.
   */
  private printsFinalName(late: LateBinding): boolean {
    if (late.target.kind !== 'this') return false;
    const r = late.resolve();
    return r !== undefined && !r.inline && !r.ephemeral && !r.printsPlaceholder;
  }

  toString(): string {
    return this.render_limited();
  }

  // --- Python protocol ------------------------------------------------------------------------
  __eq__(other: unknown): boolean {
    if (!(other instanceof Relation)) return false;
    return this.type === other.type && PARTS.every((k) => this.part(k) === other.part(k));
  }

  /** dbt's Relation.get(): `metadata` names the class, so dbt_utils' `_is_relation` recognises it. */
  get(key: unknown, fallback: unknown = null): unknown {
    if (key === 'metadata') return { type: 'ClickHouseRelation' };
    const dict = this.to_dict();
    return Object.prototype.hasOwnProperty.call(dict, String(key)) ? dict[String(key)] : fallback;
  }

  to_dict(): Record<string, unknown> {
    return { path: this.path, type: this.type, include_policy: { ...this.init.include }, quote_policy: { ...this.init.quote }, quote_character: '`' };
  }

  keys(): string[] {
    return Object.keys(this.to_dict());
  }
}

function str(v: unknown): string | null {
  return given(v) ? String(v) : null;
}

function policyOf(v: unknown): Partial<Policy> {
  if (!v || typeof v !== 'object') return {};
  const out: Partial<Record<Part, boolean>> = {};
  for (const k of PARTS) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'boolean') out[k] = x;
  }
  return out;
}

function samePolicy(a: Policy, b: Policy): boolean {
  return a.database === b.database && a.schema === b.schema && a.identifier === b.identifier;
}

/** The relation of ref(), source() or `this` in the render `st`: names from its resolver once known. */
export function lateRelation(target: PlaceholderTarget, st: Pick<RenderState, 'relations' | 'needsNames'>): Relation {
  return Relation.late({
    target,
    resolve: () => st.relations?.(target),
    unresolved: () => {
      st.needsNames = true;
    },
  });
}
