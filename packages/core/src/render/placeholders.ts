/**
 * Models are rendered once, before every model's final relation name is known (a model's
 * `config(alias=…)` may sit in a file not yet read). `ref()`, `source()` and `this` therefore
 * render as placeholders that compile/ replaces with real names. \u0001 and \u0002 never occur in SQL.
 */
export type RelationAttribute = '' | 'schema' | 'database' | 'identifier' | 'name';

export type PlaceholderTarget =
  | { readonly kind: 'ref'; readonly package: string; readonly name: string }
  | { readonly kind: 'source'; readonly source: string; readonly table: string }
  | { readonly kind: 'this' };

const OPEN = '\u0001';
const SEP = '\u0002';
const PATTERN = /\u0001(ref|source|this)\u0002([^\u0001\u0002]*)\u0002([^\u0001\u0002]*)\u0002([^\u0001\u0002]*)\u0001/g;

export function placeholder(target: PlaceholderTarget, attribute: RelationAttribute): string {
  const [a, b] =
    target.kind === 'ref' ? [target.package, target.name] : target.kind === 'source' ? [target.source, target.table] : ['', ''];
  return `${OPEN}${target.kind}${SEP}${a}${SEP}${b}${SEP}${attribute}${OPEN}`;
}

export function hasPlaceholders(text: string): boolean {
  return text.includes(OPEN);
}

/** Replaces every placeholder in `text` with `resolve(target, attribute)`. */
export function replacePlaceholders(
  text: string,
  resolve: (target: PlaceholderTarget, attribute: RelationAttribute) => string,
): string {
  if (!text.includes(OPEN)) return text;
  return text.replace(PATTERN, (_m, kind: string, a: string, b: string, attr: string) => {
    const target: PlaceholderTarget =
      kind === 'ref' ? { kind: 'ref', package: a, name: b } : kind === 'source' ? { kind: 'source', source: a, table: b } : { kind: 'this' };
    return resolve(target, attr as RelationAttribute);
  });
}

/** Quotes a ClickHouse identifier with backticks. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

export function relationSql(schema: string, identifier: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(identifier)}`;
}

/** A ClickHouse string literal: `'it\'s'`. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
