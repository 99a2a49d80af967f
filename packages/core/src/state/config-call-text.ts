/**
 * dbt's statically_parse_unrendered_config: the keyword arguments of the first `config(...)` call
 * of a node's SQL, each as the text of its expression (whitespace collapsed), not its value — with
 * the project flag `state_modified_compare_more_unrendered_values`, state:modified compares these,
 * so `materialized=var('x')` is the same config whatever --vars says. Undefined when the SQL has no
 * config call with keyword arguments (dbt then compares the rendered config call).
 */
export function staticConfigCall(sql: string): Record<string, string> | undefined {
  const start = /(?<![\w.])config\s*\(/.exec(sql);
  if (!start) return undefined;
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = start.index + start[0].length;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      args.push(sql.slice(from, i));
      from = i + 1;
    } else if (c === ')') {
      args.push(sql.slice(from, i));
      break;
    }
  }
  const kwargs: Record<string, string> = {};
  for (const arg of args) {
    const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(arg);
    if (m) kwargs[m[1]!] = m[2]!.trim().replace(/\s+/g, ' ');
  }
  return Object.keys(kwargs).length ? kwargs : undefined;
}
