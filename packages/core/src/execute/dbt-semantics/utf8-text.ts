import type { ManifestNode } from '../../manifest/nodes.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen, splitTopLevel } from './select-frames.js';

/*
 * Text functions work on characters on Postgres, Snowflake, BigQuery, Redshift and DuckDB; ClickHouse's lower, upper and
 * initcap change ASCII letters only, and its substring, left, right, lpad, rpad and position count bytes: a name with an
 * accent came out half-lowered (lower('ÉLODIE') 'Élodie'), cut inside a character (left('Zoë', 3) an invalid 'Zo\xC3'),
 * padded one short per accent, or found one byte further on. Under dbt_semantics each call is ClickHouse's UTF-8 form,
 * the same answer for ASCII text (dbt.position / dbt.right / dbt.length already render so): lower/lcase → lowerUTF8,
 * upper/ucase → upperUTF8, initcap → initcapUTF8, substring/substr (also `s FROM a FOR b`) → substringUTF8, left/right →
 * leftUTF8/rightUTF8, lpad/rpad → leftPadUTF8/rightPadUTF8, position (also `x IN s`) → positionUTF8. The text argument
 * goes through toString(), which keeps String, Nullable and LowCardinality as they are and reads a FixedString (which
 * the UTF-8 forms refuse). A string literal's own text, a qualified or quoted name and a column named so are left alone,
 * and so are the bytes of ClickHouse's binary digests and decoders (substring(MD5(x), 1, 8): BINARY_CALL);
 * so is Postgres' regular-expression `substring(s from 'pattern')` and the byte counts of ClickHouse's own
 * lowerUTF8/positionUTF8… names. reverse() (arrays too) and length() (README) are left as ClickHouse's.
 * A value that is not valid UTF-8 (raw bytes in a String: Latin-1 text, a binary id) has no characters to count: the
 * warehouses' text cannot hold it, and BigQuery's BYTES and ClickHouse's own functions count its bytes. The UTF-8
 * forms read such a byte as the start of a longer character and swallow what follows (leftUTF8 of Latin-1 'éabc', 2
 * is all four bytes, substringUTF8 of it from 2 is 'c'), so substring/left/right/lpad/rpad of a column choose per
 * value: `if(isValidUTF8(s), substringUTF8(s, …), \`substring\`(s, …))` (quoted: the byte form is not rewritten
 * again). lower/upper/initcap/position give the bytes' answer there already.
 */
const FORMS: Readonly<Record<string, string>> = {
  lower: 'lowerUTF8',
  lcase: 'lowerUTF8',
  upper: 'upperUTF8',
  ucase: 'upperUTF8',
  initcap: 'initcapUTF8',
  substring: 'substringUTF8',
  substr: 'substringUTF8',
  left: 'leftUTF8',
  right: 'rightUTF8',
  lpad: 'leftPadUTF8',
  rpad: 'rightPadUTF8',
  position: 'positionUTF8',
};
/** How many arguments each takes written with commas. */
const ARITY: Readonly<Record<string, readonly number[]>> = {
  lowerUTF8: [1],
  upperUTF8: [1],
  initcapUTF8: [1],
  substringUTF8: [2, 3],
  leftUTF8: [2],
  rightUTF8: [2],
  leftPadUTF8: [2, 3],
  rightPadUTF8: [2, 3],
  positionUTF8: [2, 3],
};
/** ClickHouse's byte form of each UTF-8 form that a value not valid UTF-8 would mis-cut (see above). */
const BYTE_FORMS: Readonly<Record<string, string>> = {
  substringUTF8: 'substring',
  leftUTF8: 'left',
  rightUTF8: 'right',
  leftPadUTF8: 'leftPad',
  rightPadUTF8: 'rightPad',
};
const NAMES = Object.keys(FORMS).join('|');
/** A call whose value is bytes, not UTF-8 text: ClickHouse's binary digests and decoders (md5 too: its hex text, once function-names.ts has written it, is ASCII). */
const BINARY_CALL =
  /^(?:MD4|MD5|SHA1|SHA224|SHA256|SHA384|SHA512|SHA512_256|RIPEMD160|BLAKE3|sipHash128\w*|murmurHash3_128|xxh3_128|unhex|unbin|reinterpretAsString|reinterpretAsFixedString|base64Decode|tryBase64Decode|base64URLDecode|tryBase64URLDecode|base58Decode|tryBase58Decode|encrypt|decrypt|tryDecrypt|aes_encrypt_mysql|aes_decrypt_mysql)\s*\(/i;
const CALL = new RegExp(`\\b(?:${NAMES})\\s*\\(`, 'i');

export function withUtf8TextFunctions(node: ManifestNode, sql: string): string {
  if (!CALL.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return utf8TextFunctions(sql);
}

export function utf8TextFunctions(sql: string): string {
  // One call at a time, the last one first (an inner call is written before the call around it), until none is left.
  for (let out = sql; ; ) {
    const code = blankNonCode(out);
    if (!CALL.test(code)) return out;
    const calls = [...code.matchAll(new RegExp(`(?<![\\w$.\`"])(${NAMES})\\s*\\(`, 'gi'))].reverse();
    const edit = calls.map((m) => rewrite(out, code, m)).find((e) => e !== undefined);
    if (!edit) return out;
    out = out.slice(0, edit.at) + edit.text + out.slice(edit.end);
  }
}

function rewrite(sql: string, code: string, m: RegExpMatchArray): { at: number; end: number; text: string } | undefined {
  const form = FORMS[m[1]!.toLowerCase()]!;
  const at = m.index!;
  const open = at + m[0].length - 1;
  const close = closingParen(code, open);
  if (close < 0) return undefined;
  const args = splitTopLevel(code, open + 1, close);
  // One string literal is blanked code only: still one argument.
  if (args.length === 0 && sql.slice(open + 1, close).trim() !== '') args.push({ start: open + 1, end: close });
  const texts = args.map((a) => sql.slice(a.start, a.end).trim());
  const call = (parts: readonly string[]) => {
    const [s, rest] = [text(parts[0]!), fromZero(form, parts.slice(1))];
    const utf8 = `${form}(${[s, ...rest].join(', ')})`;
    const bytes = BYTE_FORMS[form];
    // A literal is the SQL file's own UTF-8 text.
    if (bytes === undefined || isLiteral(parts[0]!)) return { at, end: close + 1, text: utf8 };
    return { at, end: close + 1, text: `if(isValidUTF8(${s}), ${utf8}, \`${bytes}\`(${[s, ...rest].join(', ')}))` };
  };
  // lower(hex(…)) (md5, sha2, dbt.hash): hex digits are ASCII, and the ASCII form is the faster one.
  if (texts.length === 1 && /^(?:lower|upper)UTF8$/.test(form) && /^hex\s*\(/i.test(texts[0]!)) return undefined;
  // Bytes, not text: ClickHouse's binary digests and decoders (a dbt-clickhouse project's substring(MD5(x), 1, 8) is 8 bytes).
  if (texts.length >= 1 && BINARY_CALL.test(texts[0]!)) return undefined;
  if (ARITY[form]!.includes(texts.length)) return call(texts);
  if (texts.length !== 1) return undefined;
  // The SQL standard's keyword forms: substring(s FROM a [FOR b]) / substring(s FOR b), position(x IN s).
  const inner = code.slice(args[0]!.start, args[0]!.end);
  const word = (w: string) => [...inner.matchAll(new RegExp(`\\b${w}\\b`, 'gi'))].map((k) => k.index!).filter((i) => depth(inner, i) === 0);
  const piece = (from: number, to?: number) => sql.slice(args[0]!.start + from, to === undefined ? args[0]!.end : args[0]!.start + to).trim();
  if (form === 'positionUTF8') {
    const ins = word('in');
    return ins.length === 1 ? { at, end: close + 1, text: `positionUTF8(${text(piece(ins[0]! + 2))}, ${piece(0, ins[0]!)})` } : undefined;
  }
  if (form !== 'substringUTF8') return undefined;
  const froms = word('from');
  const fors = word('for');
  if (froms.length > 1 || fors.length > 1 || froms.length + fors.length === 0) return undefined;
  const from = froms[0];
  const forAt = fors[0];
  if (from !== undefined && forAt !== undefined && forAt < from) return undefined;
  const s = piece(0, from ?? forAt);
  const start = from === undefined ? '1' : piece(from + 4, forAt);
  // substring(s from 'pattern'): Postgres' regular-expression form, not a position.
  if (/^'/.test(start)) return undefined;
  return call(forAt === undefined ? [s, start] : [s, start, piece(forAt + 3)]);
}

/**
 * substring(s, 0, n): the positions before 1 count, as Postgres and Redshift (the SQL standard) —
 * 'he' for ('hello', 0, 3); ClickHouse gives ''. Only a literal 0: a negative start counts from the
 * end in ClickHouse, Snowflake and BigQuery alike (a dbt-clickhouse project's substring(s, -3)).
 */
function fromZero(form: string, rest: readonly string[]): readonly string[] {
  if (form !== 'substringUTF8' || rest[0] !== '0') return rest;
  if (rest.length === 1) return ['1'];
  const n = rest[1]!;
  return ['1', /^\d+$/.test(n) ? String(Math.max(Number(n) - 1, 0)) : `greatest((${n}) - 1, 0)`];
}

/** The text argument: a literal as written, anything else read through toString() (a FixedString too). */
function text(x: string): string {
  return isLiteral(x) ? x : `toString(${x})`;
}

function isLiteral(x: string): boolean {
  return /^'(?:[^'\\]|\\.|'')*'$/.test(x);
}

function depth(code: string, at: number): number {
  let d = 0;
  for (let i = 0; i < at; i++) {
    if (code[i] === '(' || code[i] === '[') d++;
    else if (code[i] === ')' || code[i] === ']') d--;
  }
  return d;
}
