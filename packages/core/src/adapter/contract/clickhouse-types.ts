import { sqlString } from '../../render/placeholders.js';
import type { WarehouseClient } from '../warehouse-client.js';

/*
 * ClickHouse type names as contracts compare them. A declared `data_type` is first made canonical by
 * the server itself (`toTypeName(defaultValueOfTypeName('…'))`): every alias and synonym ClickHouse
 * knows — INTEGER/INT → Int32, BIGINT → Int64, TEXT/VARCHAR(n) → String, DOUBLE → Float64, BOOLEAN →
 * Bool, DECIMAL(10,2)/NUMERIC → Decimal(10, 2), TIMESTAMP → DateTime — compares equal to what the
 * query produces, and an unknown type is reported as such.
 */

/** One line, single spaces, no space inside parentheses: `Tuple(\n a Int32)` → `Tuple(a Int32)`. */
export function normalizeTypeText(type: string): string {
  return type.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

/** The wrappers tsdbt compares through (they say how a value is stored or whether it may be NULL, not what it is). */
const WRAPPERS = ['Nullable', 'LowCardinality'];

/**
 * A type with every `Nullable(…)` and `LowCardinality(…)` removed, at any depth:
 * `LowCardinality(Nullable(String))` → `String`, `Array(Nullable(Int32))` → `Array(Int32)`.
 */
export function comparableType(type: string): string {
  let t = normalizeTypeText(type);
  for (;;) {
    const next = unwrapFirst(t);
    if (next === t) return t;
    t = next;
  }
}

/**
 * The type that can also hold NULL: `String` → `Nullable(String)`, `LowCardinality(String)` →
 * `LowCardinality(Nullable(String))`; unchanged when it already can, or cannot be inside Nullable
 * (Array, Map, Tuple, Nested, Object/JSON, Variant, Dynamic).
 */
export function withNullable(type: string): string {
  const t = normalizeTypeText(type);
  if (/^(Nullable|Array|Map|Tuple|Nested|Object|JSON|Variant|Dynamic)\b/.test(t) || t.startsWith('LowCardinality(Nullable(')) return t;
  if (t.startsWith('LowCardinality(') && t.endsWith(')')) return `LowCardinality(Nullable(${t.slice('LowCardinality('.length, -1)}))`;
  return `Nullable(${t})`;
}

/** The type without a top-level `Nullable(…)` (inside LowCardinality too): what a not_null column stores. */
export function withoutNullable(type: string): string {
  const t = normalizeTypeText(type);
  const inner = (name: string) => (t.startsWith(`${name}(`) && t.endsWith(')') ? t.slice(name.length + 1, -1) : undefined);
  const n = inner('Nullable');
  if (n !== undefined) return n;
  const lc = inner('LowCardinality');
  if (lc !== undefined && lc.startsWith('Nullable(') && lc.endsWith(')')) return `LowCardinality(${lc.slice('Nullable('.length, -1)})`;
  return t;
}

/** Whether a type admits NULL at its top level (`Nullable(T)`, `LowCardinality(Nullable(T))`). */
export function isNullableType(type: string): boolean {
  return withoutNullable(type) !== normalizeTypeText(type);
}

/** Removes the first wrapper found (skipping quoted text such as Enum labels). */
function unwrapFirst(t: string): string {
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === "'") {
      i = closingQuote(t, i);
      continue;
    }
    for (const w of WRAPPERS) {
      if (!t.startsWith(`${w}(`, i) || (i > 0 && /\w/.test(t[i - 1]!))) continue;
      const open = i + w.length;
      const close = matchingParen(t, open);
      if (close < 0) return t;
      return t.slice(0, i) + t.slice(open + 1, close) + t.slice(close + 1);
    }
  }
  return t;
}

function closingQuote(t: string, start: number): number {
  for (let i = start + 1; i < t.length; i++) {
    if (t[i] === '\\') i++;
    else if (t[i] === "'") return i;
  }
  return t.length;
}

function matchingParen(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === "'") i = closingQuote(t, i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** A declared type the server does not know: the server's message. */
export interface UnknownType {
  readonly error: string;
}

/**
 * The server's canonical name of each type (one query; when it fails, one per type to find the
 * unknown ones). Results are cached per client: types do not change within a process.
 */
export async function canonicalTypes(client: WarehouseClient, types: readonly string[]): Promise<Map<string, string | UnknownType>> {
  const cache = cacheOf(client);
  const todo = [...new Set(types.filter((t) => !cache.has(t)))];
  const ask = async (batch: readonly string[]) => {
    const select = batch.map((t, i) => `toTypeName(defaultValueOfTypeName(${sqlString(t)})) AS t${i}`).join(', ');
    const [row] = await client.query<Record<string, string>>(`SELECT ${select}`);
    batch.forEach((t, i) => cache.set(t, normalizeTypeText(String(row![`t${i}`]))));
  };
  if (todo.length) {
    try {
      await ask(todo);
    } catch {
      for (const t of todo) {
        try {
          await ask([t]);
        } catch (error) {
          cache.set(t, { error: firstLine(error) });
        }
      }
    }
  }
  return new Map(types.map((t) => [t, cache.get(t)!]));
}

const caches = new WeakMap<object, Map<string, string | UnknownType>>();
function cacheOf(client: WarehouseClient): Map<string, string | UnknownType> {
  let c = caches.get(client);
  if (!c) caches.set(client, (c = new Map()));
  return c;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^Code: \d+\.\s*(?:DB::Exception:\s*|[A-Z_]+:\s*)?/, '').replace(/: In scope SELECT[\s\S]*$/, '').replace(/\s*\([A-Z_]+\)\s*$/, '');
}
