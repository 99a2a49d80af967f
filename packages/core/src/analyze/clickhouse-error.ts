/**
 * What a ClickHouse error says about where the problem is: its name, a readable message (without
 * the query it echoes), the names it blames, a syntax error's position, and its own suggestions.
 */
export interface ParsedError {
  readonly code?: number;
  /** ClickHouse's error name, e.g. UNKNOWN_IDENTIFIER. */
  readonly name: string;
  readonly message: string;
  /** Names to look for in the SQL, most specific first. */
  readonly names: readonly string[];
  /** Keywords or operators to look for when no name is blamed (e.g. `union` for a UNION type clash). */
  readonly texts: readonly string[];
  /** The names are JOIN keys: look for them after the first `JOIN … ON`. */
  readonly inJoinOn?: boolean;
  /** 0-based offset in the statement (syntax errors). */
  readonly position?: number;
  /** ClickHouse's "Maybe you meant …" candidates. */
  readonly suggestions: readonly string[];
  /** The query scope the analyzer names ("in scope SELECT …"): tells which SELECT of the SQL is meant. */
  readonly scope?: string;
}

/** Operators whose function names appear in messages (`equals` for `=`). */
const OPERATORS: Readonly<Record<string, readonly string[]>> = {
  equals: ['=', '=='],
  notEquals: ['!=', '<>'],
  less: ['<'],
  greater: ['>'],
  lessOrEquals: ['<='],
  greaterOrEquals: ['>='],
  plus: ['+'],
  minus: ['-'],
  multiply: ['*'],
  divide: ['/'],
  modulo: ['%'],
  and: ['and'],
  or: ['or'],
  like: ['like'],
  in: ['in'],
  notIn: ['not in'],
  concat: ['||'],
};

/** `__table1.eval_set` → `eval_set`; `raw.orders.user_id` → [`raw.orders.user_id`, `orders.user_id`, `user_id`]. */
function nameVariants(raw: string): string[] {
  const name = raw.replace(/^__table\d+\./, '');
  const parts = name.split('.');
  return parts.map((_, i) => parts.slice(i).join('.'));
}

export function parseClickHouseError(text: string, code?: number): ParsedError {
  const name = /\(([A-Z][A-Z0-9_]+)\)\s*(?:\(version [^)]*\))?\s*$/.exec(text)?.[1] ?? (code !== undefined ? `CODE_${code}` : 'DATABASE_ERROR');
  let message = text
    .replace(/^\s*Code:\s*\d+\.\s*/, '')
    .replace(/^DB::Exception:\s*/, '')
    .replace(/\s*\([A-Z][A-Z0-9_]+\)\s*(?:\(version [^)]*\))?\s*$/, '');
  const suggestions: string[] = [];
  const meant = /\.?\s*Maybe you meant:?\s*(\[[^\]]*\]|[^\s?]+)\??\.?/.exec(message);
  if (meant) {
    for (const m of meant[1]!.matchAll(/'([^']+)'/g)) suggestions.push(m[1]!);
    if (!suggestions.length) suggestions.push(meant[1]!.replace(/[?.]+$/, ''));
    message = message.replace(meant[0], '');
  }
  // The analyzer echoes the whole scope ("in scope SELECT …", "In query …"): long, and not the user's
  // text, but it says which SELECT the error is in.
  const scope = mainSelect(/\b(?:in|In) (?:scope|query) ([\s\S]*)$/.exec(message)?.[1]?.replace(/\.\s*$/, ''));
  message = message.replace(/[.:,]?\s+(?:in|In) (?:scope|query)\b[\s\S]*$/, '').replace(/:?\s*while executing function[\s\S]*$/, '').trim();
  message = message.replace(/[.:]\s*$/, '');

  const names: string[] = [];
  const texts: string[] = [];
  const add = (raw: string | undefined) => raw && names.push(...nameVariants(raw.replace(/`/g, '')));
  const q = `[\`'"]`;
  let position: number | undefined;
  const syntax = /failed at position (\d+)/.exec(text);
  if (syntax) position = Number(syntax[1]) - 1;
  switch (name) {
    case 'UNKNOWN_IDENTIFIER':
    case 'AMBIGUOUS_IDENTIFIER':
    case 'AMBIGUOUS_COLUMN_NAME':
      add(new RegExp(`[Ii]dentifier ${q}([^\`'"]+)${q}`).exec(text)?.[1]);
      break;
    case 'UNKNOWN_TABLE':
      add(new RegExp(`[Tt]able (?:expression identifier )?${q}?([^\\s'"]+?)${q}?(?: in scope| does|\\.? |$)`).exec(text)?.[1]);
      break;
    case 'UNKNOWN_DATABASE':
      add(new RegExp(`[Dd]atabase ${q}?([^\\s'"\`]+)${q}?`).exec(text)?.[1]);
      break;
    case 'UNKNOWN_FUNCTION':
    case 'UNKNOWN_AGGREGATE_FUNCTION':
      add(new RegExp(`[Ff]unction (?:with name )?${q}?([\\w]+)${q}?`).exec(text)?.[1]);
      break;
    case 'NOT_AN_AGGREGATE':
      add(new RegExp(`Column ${q}([^\`'"]+)${q} is not under aggregate`).exec(text)?.[1]);
      break;
    case 'ILLEGAL_AGGREGATION': {
      const fn = /(?:Aggregate|Window) function (\w+)\(/.exec(text)?.[1];
      if (fn) texts.push(`${fn}(`);
      break;
    }
    case 'NO_COMMON_TYPE':
    case 'TYPE_MISMATCH':
    case 'ILLEGAL_TYPE_OF_ARGUMENT':
    case 'NUMBER_OF_ARGUMENTS_DOESNT_MATCH': {
      for (const k of text.matchAll(/(?:Left|Right) key '([^']+)'/g)) add(k[1]);
      const fn = /(?:executing function|of function|for function|function) [`']?(\w+)[`']?/.exec(text)?.[1];
      const args = /on arguments (\S+)/.exec(text)?.[1];
      if (args) add(args);
      if (fn) {
        names.push(fn);
        texts.push(...(OPERATORS[fn] ?? []));
      }
      if (/union/i.test(text) || (!fn && !names.length)) texts.push('union all', 'union');
      break;
    }
    case 'UNKNOWN_TYPE':
      add(/type family:? [`']?(\w+)/.exec(text)?.[1]);
      break;
    case 'MULTIPLE_EXPRESSIONS_FOR_ALIAS':
      add(new RegExp(`alias ${q}?(\\w+)${q}?`).exec(text)?.[1]);
      break;
    case 'CANNOT_CONVERT_TYPE':
      // `Cannot convert NULL to a non-nullable type`: a CAST(NULL AS T) (dbt's union_relations writes them)
      if (/\bNULL\b/.test(text)) texts.push('cast(null', 'null');
      break;
    default:
      break;
  }
  // Anything quoted in the message (not in the echoed query or the suggestions) is a candidate too, least specific last.
  for (const m of message.matchAll(/`([^`]{1,200})`|'([^'\s]{1,200})'/g)) {
    const v = m[1] ?? m[2]!;
    if (!/^\d+$/.test(v) && !names.includes(v) && !/^(SELECT|WITH)\b/i.test(v)) names.push(...nameVariants(v).filter((n) => !names.includes(n)));
  }
  const inJoinOn = /JOIN[^.]*\bON\b|(?:Left|Right) key/.test(text);
  return { code, name, message, names, texts, position, suggestions, inJoinOn, scope };
}

/** A scope `WITH a AS (…), b AS (…) SELECT …` without its CTEs: the SELECT the scope is about. */
function mainSelect(scope: string | undefined): string | undefined {
  if (!scope || !/^\s*WITH\b/i.test(scope)) return scope;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < scope.length; i++) {
    const ch = scope[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^SELECT\b/i.test(scope.slice(i, i + 7)) && /\W/.test(scope[i - 1] ?? ' ')) return scope.slice(i);
  }
  return scope;
}

/** What to do about an error, by its name (added to ClickHouse's own suggestions). */
export function hintFor(parsed: ParsedError): string | undefined {
  switch (parsed.name) {
    case 'NOT_AN_AGGREGATE':
      return 'Add it to GROUP BY, or wrap it in an aggregate function (any(), max(), …).';
    case 'ILLEGAL_AGGREGATION':
      return 'Compute the inner aggregate in a subquery or CTE first, then aggregate its result.';
    case 'NO_COMMON_TYPE':
      return /JOIN/.test(parsed.message)
        ? 'Make both JOIN keys the same type family: cast one side (toString(), toUInt64(), …).'
        : parsed.texts.includes('union')
          ? 'Give each UNION branch the same type family in each column: cast one side (toString(), toUInt64(), …). (tsdbt validates with use_variant_as_common_type = 0: ClickHouse 24+ otherwise turns the column into a Variant silently.)'
          : 'Compare values of one type family: cast one side (toString(), toUInt64(), toDate(), …).';
    case 'SYNTAX_ERROR':
      return 'Look at the SQL just before this point (a missing comma or parenthesis, a trailing comma, a Jinja expression that rendered empty).';
    case 'UNKNOWN_TABLE':
    case 'UNKNOWN_DATABASE':
      return "Reference models with {{ ref('name') }} and raw tables with {{ source('source', 'table') }}: tsdbt then knows them.";
    case 'UNKNOWN_FUNCTION':
      return UNREWRITTEN_FUNCTIONS[parsed.names[0]?.toLowerCase() ?? ''];
    default:
      return undefined;
  }
}

/*
 * Other warehouses' functions ClickHouse lacks whose answers differ between those warehouses, so dbt_semantics does not
 * pick one (function-names.ts writes those they agree on): the error says which ClickHouse call gives which answer.
 */
const REGEXP_LIKE =
  "Warehouses disagree on regexp_like: Snowflake's matches the WHOLE string (write match(s, '^(?:pattern)$')), Postgres/Databricks/MySQL/Oracle's and BigQuery's regexp_contains find it ANYWHERE (write match(s, 'pattern'), ClickHouse's regexp_matches); tsdbt does not guess which one the model was written for.";
const UNREWRITTEN_FUNCTIONS: Readonly<Record<string, string>> = {
  regexp_like: REGEXP_LIKE,
  rlike: REGEXP_LIKE,
  regexp_contains: REGEXP_LIKE,
  dayname:
    "Warehouses disagree on dayname: Snowflake's is 'Fri', MySQL/DuckDB/Databricks' 'Friday' — write dateName('weekday', d) for 'Friday', substring(dateName('weekday', d), 1, 3) for 'Fri', or dbt_date.day_name(d, short=true) (any warehouse).",
};
