import { quoteIdentifier } from '../../render/placeholders.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { selectFrames, type Span } from './select-frames.js';

/*
 * ClickHouse names an unaliased SELECT item by its expression: `sum(amount)`, `CAST(x, 'Decimal(10, 2)')`. The
 * rewrites that change an expression's text at run time (cast-rounding.ts, decimal-overflow.ts) would rename such
 * a column of the table a model builds (`toDecimal128(sum(toDecimal256(amount, 2)), 2)`), which dbt-clickhouse
 * names `sum(amount)`. An unaliased item of the query's main SELECT (the first at the top level: it names the
 * result's columns) that a rewrite changed gets `AS <the name ClickHouse gives it as written>`, from one DESCRIBE
 * of the SQL as written, asked only then. Items of subqueries and CTEs are left as rewritten.
 */

const NAME = '(?:`(?:[^`\\\\]|\\\\.)+`|"(?:[^"\\\\]|\\\\.)+"|[A-Za-z_][A-Za-z0-9_$]*)';
/**
 * An item ending with an alias: `… as name`, or `…) name` — not a CASE's `…) END`, nor the unit of an
 * `INTERVAL (n) DAY`, which end an unaliased expression.
 */
export const ALIASED = new RegExp(`(?:\\bas\\s+${NAME}|\\)(?<!\\binterval\\s*\\((?:[^()]|\\([^()]*\\))*\\))\\s*(?!end\\s*$)${NAME})\\s*$`, 'i');

/** The items of `sql`'s main SELECT (the first outside parentheses), trimmed; undefined when it has none or lists `*`. */
function mainItems(sql: string): Span[] | undefined {
  const code = blankNonCode(sql);
  let depth = 0;
  const depthAt: number[] = [];
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')') depth--;
    depthAt[i] = depth;
  }
  const main = selectFrames(code)
    .filter((f) => depthAt[f.start] === 0)
    .sort((a, b) => a.start - b.start)[0];
  if (!main) return undefined;
  // Trimmed of blanks and comments only: an item may end with a quoted alias or a string literal (`… as "Total"`, `… || ' kg'`).
  const kept = blankNonCode(sql, { keepQuoted: true });
  const items = main.items.map((i) => {
    const text = kept.slice(i.start, i.end);
    const start = i.start + (text.length - text.trimStart().length);
    return { start, end: start + text.trim().length };
  });
  // `*`, `t.*`, `COLUMNS(…)`: several columns from one item, the DESCRIBE's names no longer line up.
  if (items.some((i) => /^(?:distinct\s+)?\*|\.\*|\bcolumns\s*\(/i.test(code.slice(i.start, i.end)))) return undefined;
  return items;
}

/**
 * `rewritten` (`original` with expressions rewritten in place) with each unaliased item of the main SELECT it changed
 * aliased to the item's name in `original` (`names`: the DESCRIBE of `original`, column names in order). `rewritten`
 * when no such item changed or the names cannot be had.
 */
export function withItemNames(original: string, rewritten: string, names: (sql: string) => readonly string[] | undefined): string {
  if (rewritten === original) return rewritten;
  const changed = renamedItems(original, rewritten);
  if (!changed) return rewritten;
  let described: readonly string[] | undefined;
  try {
    described = names(original);
  } catch {
    return rewritten;
  }
  return aliased(rewritten, changed, described);
}

/** withItemNames() for callers that can wait. */
export async function withItemNamesAsync(original: string, rewritten: string, names: (sql: string) => Promise<readonly string[] | undefined>): Promise<string> {
  if (rewritten === original) return rewritten;
  const changed = renamedItems(original, rewritten);
  if (!changed) return rewritten;
  let described: readonly string[] | undefined;
  try {
    described = await names(original);
  } catch {
    return rewritten;
  }
  return aliased(rewritten, changed, described);
}

/**
 * The DESCRIBE of `sql`'s result columns. The closing parenthesis on a line of its own: a SQL ending in a
 * `-- comment` would otherwise comment it out (the DESCRIBE fails and the names are not had).
 */
export function describeSql(sql: string): string {
  return `DESCRIBE TABLE (${sql}\n)`;
}

interface Renamed {
  readonly count: number;
  /** Index among the main SELECT's items, the item's text as written and its span in the rewritten SQL. */
  readonly items: readonly { readonly index: number; readonly text: string; readonly span: Span }[];
}

/** The unaliased main-SELECT items whose text the rewrite changed, or undefined. */
function renamedItems(original: string, rewritten: string): Renamed | undefined {
  const [before, after] = [mainItems(original), mainItems(rewritten)];
  if (!before || !after || before.length !== after.length) return undefined;
  const items = before.flatMap((b, index) => {
    const a = after[index]!;
    const text = original.slice(b.start, b.end);
    return text !== rewritten.slice(a.start, a.end) && !ALIASED.test(text) ? [{ index, text, span: a }] : [];
  });
  return items.length > 0 ? { count: before.length, items } : undefined;
}

function aliased(rewritten: string, changed: Renamed, names: readonly string[] | undefined): string {
  if (!names || names.length !== changed.count) return rewritten;
  const edits: Edit[] = changed.items
    .filter(({ index, text }) => !endsWithAlias(text, names[index]!))
    .map(({ index, span }) => ({ at: span.end, length: 0, text: ` AS ${quoteIdentifier(names[index]!)}` }));
  return applyEdits(rewritten, edits);
}

/**
 * Whether `text` (an item as written) ends with `name` as an alias without AS that ALIASED does not see
 * (`x * 2 total`, `… + 1 "my total"`): a second alias after it is a syntax error. An unaliased expression the
 * rewrites change is named by its formatted text (`sum(d)`), never a bare or quoted identifier ending it.
 */
function endsWithAlias(text: string, name: string): boolean {
  const escaped = (quote: string) => quote + name.replace(/[\\`"]/g, (c) => `\\${c}`) + quote;
  if (text.endsWith(escaped('`')) || text.endsWith(escaped('"'))) return true;
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && new RegExp(`(?:^|[^A-Za-z0-9_$.])${name.replace(/\$/g, '\\$')}$`).test(text);
}
