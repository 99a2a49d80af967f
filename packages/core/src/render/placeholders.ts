/**
 * Models are rendered once, before every model's final relation name is known (a model's
 * `config(alias=…)` may sit in a file not yet read). `ref()`, `source()` and `this` therefore
 * render as placeholders that compile/ replaces with real names. \u0001 and \u0002 never occur in SQL.
 */
export type RelationAttribute = '' | 'schema' | 'database' | 'identifier' | 'name';

export type PlaceholderTarget =
  | { readonly kind: 'ref'; readonly package: string; readonly name: string; readonly version?: string }
  | { readonly kind: 'source'; readonly source: string; readonly table: string }
  | { readonly kind: 'this' };

const OPEN = '\u0001';
const SEP = '\u0002';
/** Between a ref's name and its pinned version (`ref('m', v=2)`) inside a placeholder. */
const VERSION_SEP = '\u0005';
const PATTERN = /\u0001(ref|source|this)\u0002([^\u0001\u0002]*)\u0002([^\u0001\u0002]*)\u0002([^\u0001\u0002]*)\u0001/g;

export function placeholder(target: PlaceholderTarget, attribute: RelationAttribute): string {
  const [a, b] =
    target.kind === 'ref'
      ? [target.package, target.version !== undefined ? `${target.name}${VERSION_SEP}${target.version}` : target.name]
      : target.kind === 'source' ? [target.source, target.table] : ['', ''];
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
      kind === 'ref' ? refPlaceholderTarget(a, b) : kind === 'source' ? { kind: 'source', source: a, table: b } : { kind: 'this' };
    return resolve(target, attr as RelationAttribute);
  });
}

function refPlaceholderTarget(pkg: string, text: string): PlaceholderTarget {
  const i = text.indexOf(VERSION_SEP);
  return i < 0 ? { kind: 'ref', package: pkg, name: text } : { kind: 'ref', package: pkg, name: text.slice(0, i), version: text.slice(i + 1) };
}

/** The placeholder target of a `ref()` call (package '' when none was named). */
export function refTarget(call: { readonly package?: string; readonly name: string; readonly version?: string }): PlaceholderTarget {
  return call.version !== undefined ? { kind: 'ref', package: call.package ?? '', name: call.name, version: call.version } : { kind: 'ref', package: call.package ?? '', name: call.name };
}

/** `ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)` as written in SQL (messages). */
export function refText(call: { readonly package?: string; readonly name: string; readonly version?: string }): string {
  return `ref(${call.package ? `'${call.package}', ` : ''}'${call.name}'${call.version !== undefined ? `, v=${/^\d+(\.\d+)?$/.test(call.version) ? call.version : `'${call.version}'`}` : ''})`;
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
