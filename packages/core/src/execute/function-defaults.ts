import type { Manifest } from '../manifest/manifest.js';
import type { FunctionNode } from '../manifest/nodes.js';
import { blankNonCode } from '../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './dbt-semantics/select-frames.js';
import { applyEdits } from '../shared/text-edits.js';

/*
 * dbt 1.11's default arguments (`default_value:` of a function's argument): on warehouses with DEFAULT a call may leave
 * out the trailing defaulted arguments — `{{ function('sum_2_values') }}(5)`. ClickHouse's SQL functions take exactly
 * their parameters (a shorter call fails: "Number of arguments … doesn't match"), so a call of a project's function
 * with fewer arguments gets the missing defaults written in, as given in the YAML (as dbt writes them into DEFAULT).
 */

const defaultsOf = new WeakMap<Manifest, ReadonlyMap<string, FunctionNode>>();

/** The project's functions that have a defaulted argument, by the name they are created under. */
function defaulted(manifest: Manifest): ReadonlyMap<string, FunctionNode> {
  let m = defaultsOf.get(manifest);
  if (!m) {
    m = new Map(
      [...manifest.nodes.values()]
        .filter((n): n is FunctionNode => n.resourceType === 'function' && n.arguments.some((a) => a.defaultValue !== undefined && a.defaultValue !== null))
        .map((n) => [n.relation.identifier, n]),
    );
    defaultsOf.set(manifest, m);
  }
  return m;
}

/** `sql` with each short call of a project function that has defaults completed with them. */
export function withFunctionDefaults(manifest: Manifest, sql: string): string {
  const functions = defaulted(manifest);
  if (functions.size === 0) return sql;
  const code = blankNonCode(sql);
  const edits: { at: number; text: string }[] = [];
  // function('f') renders `f` (blanked in `code`, its parenthesis kept), a bare f( is code itself.
  const quoted = [...sql.matchAll(/(?<![\w$.])`((?:[^`\\]|\\.)+)`\s*\(/g)].filter((m) => code[m.index! + m[0].length - 1] === '(' && code.slice(m.index!, m.index! + m[0].length - 1).trim() === '');
  const bare = [...code.matchAll(/(?<![\w$.`])([A-Za-z_][\w$]*)\s*\(/g)];
  for (const m of [...quoted, ...bare]) {
    const fn = functions.get(m[1]!);
    if (!fn) continue;
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const given = sql.slice(open + 1, close).trim() === '' ? 0 : Math.max(1, splitTopLevel(code, open + 1, close).length);
    const missing = fn.arguments.slice(given);
    if (missing.length === 0 || missing.some((a) => a.defaultValue === undefined || a.defaultValue === null)) continue;
    const values = missing.map((a) => (typeof a.defaultValue === 'string' ? a.defaultValue : JSON.stringify(a.defaultValue)));
    edits.push({ at: close, text: (given > 0 ? ', ' : '') + values.join(', ') });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.at, length: 0, text: e.text })));
}
