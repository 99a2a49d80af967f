import { blankNonCode } from '../../shared/sql-statements.js';

/*
 * dbt's column names for a CTE whose SELECT joins and reads a qualified star. On every warehouse
 * dbt runs on, `issue_joined as (select issue.*, labels.labels from issue left join … join …)`
 * gives columns named as `issue`'s columns; ClickHouse names each expanded column that another
 * joined table also has `issue.source_relation` (with two or more joins, or for the right side of
 * one; ClickHouse #59317: "the condition for name qualification is a names collision", no setting
 * turns it off), so the next SELECT reading `source_relation` fails with "Unknown expression
 * identifier" — fivetran's dbt_github does it (github__issues). execute/dbt-semantics/join-column-names.ts can
 * alias a bare `t.col` from the text; a star's columns are known only to the warehouse, so such a
 * CTE is described (the CTEs before it in scope as its WITH) and its body wrapped in the SELECT
 * that renames `t.col` to `col` (dequalify.ts; a name two columns share keeps its prefix).
 * The model's final SELECT is dequalify.ts' own case.
 */

/** A CTE of the query: `name AS (<body>)`, and where its WITH list starts. */
interface Cte {
  readonly defStart: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly withStart: number;
  parent?: Cte;
}

/** One CTE to describe: the DESCRIBE-able query giving its columns, its body, and the SQL with the body replaced. */
export interface CteRenameStep {
  readonly describeSql: string;
  readonly body: string;
  rewrite(body: string): string;
}

/** Cheap precheck: a qualified star and a join somewhere in the code. */
export function mayHaveJoinedStarCte(sql: string): boolean {
  return /\.\s*\*/.test(sql) && /\bjoin\b/i.test(sql) && /\bwith\b/i.test(sql);
}

/**
 * The `skip`-th CTE (innermost first) whose own SELECT joins and has a qualified star, as a step;
 * undefined when there are no more. A rewritten CTE no longer counts (its body is a plain SELECT).
 */
export function joinedStarCteStep(sql: string, skip: number): CteRenameStep | undefined {
  const code = blankNonCode(sql);
  const ctes = cteSpans(code);
  const affected = ctes.filter((c) => describable(c, code) && joinsWithStar(code, c)).sort((a, b) => a.bodyEnd - b.bodyEnd);
  const cte = affected[skip];
  if (!cte) return undefined;
  const chain: Cte[] = [];
  for (let c: Cte | undefined = cte; c; c = c.parent) chain.unshift(c);
  const withBefore = (c: Cte) => {
    const text = sql.slice(c.withStart, c.defStart).replace(/,\s*$/, '');
    return /^\s*with\s*$/i.test(text) ? '' : `${text}\n`;
  };
  const body = sql.slice(cte.bodyStart, cte.bodyEnd);
  let describeSql = body;
  for (const c of chain.reverse()) describeSql = `${withBefore(c)}SELECT * FROM (\n${describeSql}\n)`;
  return {
    describeSql,
    body,
    rewrite: (renamed) => sql.slice(0, cte.bodyStart) + `\n${renamed}\n` + sql.slice(cte.bodyEnd),
  };
}

/** Every `name AS (` … `)` of a WITH list (nested ones too), with the CTE it is in. */
function cteSpans(code: string): Cte[] {
  const out: Cte[] = [];
  const tokens = [...code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),.]/g)];
  const closeOf = new Map<number, number>(); // '(' offset → its ')' offset
  const open: number[] = [];
  for (const t of tokens) {
    if (t[0] === '(') open.push(t.index!);
    else if (t[0] === ')' && open.length > 0) closeOf.set(open.pop()!, t.index!);
  }
  tokens.forEach((t, i) => {
    if (t[0].toLowerCase() !== 'as' || tokens[i + 1]?.[0] !== '(') return;
    const first = tokens[i + 2]?.[0].toLowerCase();
    if (first !== 'select' && first !== 'with' && first !== '(') return;
    // The item starts after the WITH keyword or a comma at this depth (a quoted CTE name is blanked);
    // the list's WITH is further back, over the items before it.
    const item = backTo(tokens, i - 1, (w) => w === ',' || w === 'with');
    if (item === undefined) return;
    const list = tokens[item]![0] === ',' ? backTo(tokens, item - 1, (w) => w === 'with') : item;
    if (list === undefined) return;
    const paren = tokens[i + 1]!.index!;
    const close = closeOf.get(paren);
    if (close === undefined) return;
    const at = tokens[item]!;
    out.push({ defStart: at.index! + at[0].length, bodyStart: paren + 1, bodyEnd: close, withStart: tokens[list]!.index! });
  });
  for (const c of out) c.parent = out.filter((p) => p.bodyStart <= c.defStart && c.bodyEnd <= p.bodyEnd && p !== c).sort((a, b) => b.bodyStart - a.bodyStart)[0];
  return out;
}

/** Back from token `k` at its depth to the first token `stop` accepts; undefined past an open paren or a clause word. */
function backTo(tokens: RegExpMatchArray[], k: number, stop: (word: string) => boolean): number | undefined {
  for (let nesting = 0; k >= 0; k--) {
    const w = tokens[k]![0].toLowerCase();
    if (w === ')') nesting++;
    else if (w === '(') {
      if (nesting === 0) return undefined;
      nesting--;
    } else if (nesting === 0 && stop(w)) return k;
    else if (nesting === 0 && CLAUSE_WORDS.has(w)) return undefined;
  }
  return undefined;
}

const CLAUSE_WORDS = new Set(['select', 'from', 'where', 'join', 'on', 'group', 'order', 'having', 'union', 'limit']);

/** A CTE whose WITH list opens its parent's body (or the query): the scope a DESCRIBE can rebuild. */
function describable(c: Cte, code: string): boolean {
  const start = c.parent ? c.parent.bodyStart : 0;
  return code.slice(start, c.withStart).trim() === '' && (!c.parent || describable(c.parent, code));
}

/** The CTE body's own SELECT (its nested parentheses left out) joins and has a `t.*`. */
function joinsWithStar(code: string, c: Cte): boolean {
  let depth = 0;
  let flat = '';
  for (let i = c.bodyStart; i < c.bodyEnd; i++) {
    const ch = code[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    flat += depth === 0 && ch !== ')' ? ch : ' ';
  }
  return /\bjoin\b/i.test(flat) && /\.\s*\*/.test(flat) && /\bselect\b/i.test(flat);
}
