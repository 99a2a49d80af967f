import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { selectFrames } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * A relation joined to itself under an alias: `from transactions left join transactions as parent
 * on transactions.parent_id = parent.id`, selecting `transactions.*` (fivetran's dbt_shopify).
 * Every warehouse dbt runs on reads `transactions` as the un-aliased table expression; ClickHouse's
 * analyzer calls it ambiguous ("ambiguous identifier transactions TABLE_EXPRESSION", code 207) once
 * `transactions.*` is expanded. Naming it explicitly — `from transactions AS transactions` — is the
 * same SQL and ClickHouse resolves it. Under `dbt_semantics`, in every SELECT whose FROM names a
 * relation both bare and under an alias, the bare reference gets `AS <its name>`.
 */

export function withSelfJoinAliases(node: ManifestNode, sql: string): string {
  if (!/\bjoin\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return aliasSelfJoins(sql);
}

/** Words after a table reference that are not its alias. */
const NOT_ALIAS = new Set([
  'on', 'using', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'any', 'all', 'semi', 'anti', 'asof', 'global',
  'array', 'paste', 'final', 'sample', 'prewhere', 'where', 'group', 'having', 'order', 'limit', 'offset', 'window', 'qualify',
  'settings', 'format', 'union', 'intersect', 'except', 'into', 'with',
]);

const TOKEN = /`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_$]*|[(),.]/g;

export interface TableRef {
  /** The relation as written (`db.t`, quoted parts kept). */
  readonly name: string;
  /** Offset of the name's first part. */
  readonly start: number;
  /** Offset just after the name. */
  readonly end: number;
  readonly aliased: boolean;
  /** The alias as written (after `AS`, or the bare word), when aliased. */
  readonly alias?: string;
}

/** `sql` with `AS <name>` after each bare relation its own FROM also joins under an alias. */
export function aliasSelfJoins(sql: string): string {
  const code = blankNonCode(sql, { keepQuoted: true });
  const inserts: { at: number; text: string }[] = [];
  for (const frame of selectFrames(blankNonCode(sql))) {
    if (!frame.joins) continue;
    const from = frame.clauses.find((c) => c.word === 'from');
    if (!from) continue;
    const refs = tableRefs(code, from.start, from.end);
    for (const ref of refs) {
      if (ref.aliased || !refs.some((other) => other !== ref && other.aliased && other.name === ref.name)) continue;
      inserts.push({ at: ref.end, text: ` AS ${ref.name.split('.').at(-1)}` });
    }
  }
  return applyEdits(sql, inserts.map(({ at, text }) => ({ at, length: 0, text })));
}

/** The relations a FROM clause names at its own level (subqueries and table functions left out). */
export function tableRefs(code: string, start: number, end: number): TableRef[] {
  const tokens = [...code.slice(start, end).matchAll(TOKEN)].map((m) => ({ text: m[0], at: start + m.index! }));
  const refs: TableRef[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    if (depth !== 0 || !(/^(from|join)$/i.test(t) || t === ',')) continue;
    // A name: identifier parts joined by dots.
    let j = i + 1;
    if (!isIdent(tokens[j]?.text)) continue;
    const parts = [tokens[j]!.text];
    while (tokens[j + 1]?.text === '.' && isIdent(tokens[j + 2]?.text)) {
      parts.push(tokens[j + 2]!.text);
      j += 2;
    }
    const next = tokens[j + 1]?.text;
    if (next === '(' || next === '.') continue; // a table function, or something not understood
    const end = tokens[j]!.at + tokens[j]!.text.length;
    const aliased = next !== undefined && (/^as$/i.test(next) || (isIdent(next) && !NOT_ALIAS.has(next.toLowerCase())));
    const alias = !aliased ? undefined : /^as$/i.test(next!) ? tokens[j + 2]?.text : next;
    refs.push({ name: parts.join('.'), start: tokens[i + 1]!.at, end, aliased, alias });
    i = j;
  }
  return refs;
}

const isIdent = (t: string | undefined): t is string => t !== undefined && (/^[A-Za-z_]/.test(t) || /^[`"]/.test(t)) && !/^(select|lateral)$/i.test(t);
