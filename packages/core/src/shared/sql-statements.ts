/**
 * Where one ClickHouse statement ends and the next begins: `;` outside string literals ('…'),
 * quoted names ("…", `…`), comments (--, #, /* *\/) and heredocs ($$…$$, $tag$…$tag$).
 * Just enough lexing to tell a model body of one statement from one of several, on every server
 * (old ones have no formatQuery() to ask).
 */

/**
 * `sql` with string literals, quoted names, comments and heredocs replaced by spaces (newlines kept,
 * so every offset and line of `sql` still holds): what is left is code to search with a regex.
 * `{ keepQuoted: true }` blanks comments only (literals and quoted names stay as written); `{ keepNames: true }`
 * keeps quoted names ("…", `…`) only: what is left is every identifier, quoted or not.
 */
export function blankNonCode(sql: string, options?: { readonly keepQuoted?: boolean; readonly keepNames?: boolean }): string {
  // Built from slices (not an array of characters): INSERT texts with inline data can be large.
  const parts: string[] = [];
  let kept = 0; // sql[kept..] is not copied yet
  const n = sql.length;
  const blank = (from: number, to: number) => {
    parts.push(sql.slice(kept, from), sql.slice(from, Math.min(to, n)).replace(/[^\n]/g, ' '));
    kept = Math.min(to, n);
  };
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    let end = -1;
    if (c === "'" || c === '"' || c === '`') {
      // A quote inside is escaped with a backslash or doubled.
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      end = j + 1;
      if (options?.keepQuoted || (options?.keepNames && c !== "'")) {
        i = end;
        continue;
      }
    } else if ((c === '-' && sql[i + 1] === '-') || (c === '#' && (sql[i + 1] === ' ' || sql[i + 1] === '!'))) {
      const j = sql.indexOf('\n', i);
      end = j < 0 ? n : j + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      end = j < 0 ? n : j + 2;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))![0];
      const j = sql.indexOf(tag, i + tag.length);
      end = j < 0 ? n : j + tag.length;
    }
    if (end < 0) i++;
    else {
      blank(i, end);
      i = end;
    }
  }
  parts.push(sql.slice(kept));
  return parts.join('');
}

/** Offsets of the `;` that end statements in `sql`. */
function separators(sql: string): number[] {
  const code = blankNonCode(sql);
  const out: number[] = [];
  for (let i = code.indexOf(';'); i >= 0; i = code.indexOf(';', i + 1)) out.push(i);
  return out;
}

/** Whether `text` holds nothing but whitespace and comments. */
function isBlank(text: string): boolean {
  return text.replace(/--[^\n]*|#[ !][^\n]*|\/\*[\s\S]*?\*\//g, '').trim() === '';
}

/** The statements of `sql`, in order, without empty ones (a trailing `;` or a comment alone is none). */
export function splitStatements(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const at of [...separators(sql), sql.length]) {
    const part = sql.slice(start, at);
    if (!isBlank(part)) parts.push(part.trim());
    start = at + 1;
  }
  return parts;
}

/**
 * `sql` without its bare `commit;` (and Postgres' `begin;`) statements. Hooks written for
 * Postgres/Redshift wrap statements in `begin; … commit;` or end with `commit;` (dbt-event-logging's
 * audit inserts); there every statement outside a transaction is already committed and a COMMIT
 * without one is a warning. ClickHouse commits each statement too, refuses the COMMIT
 * (INVALID_TRANSACTION: There is no current transaction) and cannot parse a bare BEGIN. A hook that
 * opens a ClickHouse transaction (`BEGIN TRANSACTION` / `START TRANSACTION`) is left as written:
 * its COMMIT is what makes its writes stay.
 */
export function withoutCommits(sql: string): string {
  const statements = splitStatements(sql);
  const bare = statements.map((s) => s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim());
  if (bare.some((s) => /^(?:begin|start)\s+transaction$/i.test(s))) return sql;
  const kept = statements.filter((_, i) => !/^(?:commit(?:\s+(?:work|transaction))?|begin(?:\s+work)?)$/i.test(bare[i]!));
  return kept.length === statements.length ? sql : kept.join(';\n');
}
