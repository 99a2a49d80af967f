import { hash } from 'node:crypto';

/** dbt's generic test naming: `<test>_<resource>_<args…>`, or a truncated name + md5 when ≥ 64 chars. */
export function genericTestName(testName: string, resourceName: string, kwargs: Readonly<Record<string, unknown>>): string {
  return genericTestNames(testName, resourceName, kwargs).short;
}

/** Both of dbt's names of a generic test: `full` (its fqn name, hashed into the unique id) and `short` (≤ 63 chars). */
export function genericTestNames(testName: string, resourceName: string, kwargs: Readonly<Record<string, unknown>>): { readonly short: string; readonly full: string } {
  const flat: string[] = [];
  for (const key of Object.keys(kwargs).sort()) {
    if (key === 'model') continue;
    const value = kwargs[key];
    const parts = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [value];
    flat.push(...parts.map((p) => pyStr(p)));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testName}_${resourceName}`;
  // Always `<identifier>_<args>`: a test without arguments is `<test>_<model>_` (dbt's name).
  const full = `${identifier}_${unique}`;
  if (full.length < 64) return { short: full, full };
  return { short: `${identifier.slice(0, 30)}_${hash('md5', full, 'hex')}`, full };
}

/**
 * The hash ending a generic test's unique id, as dbt's create_test_node computes it: the last 10 hex
 * digits of md5(<fqn name> + repr(<test_metadata with sorted keys and every leaf as str()>)), so
 * `test.<project>.<name>.<hash>` ids match dbt's (tests and state comparisons name them).
 */
export function genericTestHash(fqnName: string, metadata: { readonly name: string; readonly namespace?: string; readonly kwargs: Readonly<Record<string, unknown>> }): string {
  // The mapping's keys sorted are kwargs, name, namespace: its repr written out (a load hashes every generic test).
  const repr = `{'kwargs': ${hashableRepr(metadata.kwargs)}, 'name': ${hashableRepr(metadata.name)}, 'namespace': ${hashableRepr(metadata.namespace ?? null)}}`;
  return hash('md5', fqnName + repr, 'hex').slice(-10);
}

/**
 * pyRepr(hashable(v)) without building the hashable copy (a load hashes every generic test): a
 * mapping's keys in the order that copy's would come out — JavaScript lists integer-like keys
 * first, in numeric order, then the others as sorted.
 */
function hashableRepr(v: unknown): string {
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ', ') + hashableRepr(v[i]);
    return `${out}]`;
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    const keys = reprKeys(o);
    let out = '{';
    for (let i = 0; i < keys.length; i++) out += `${i === 0 ? '' : ', '}${pyStrRepr(keys[i]!)}: ${hashableRepr(o[keys[i]!])}`;
    return `${out}}`;
  }
  return pyStrRepr(pyStr(v));
}

/** The keys of `o` in the hashable copy's order; most test arguments' (column_name, model, values…) already are, and are not sorted again. */
function reprKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  let sorted = true;
  for (let i = 0; i < keys.length && sorted; i++) sorted = !isArrayIndex(keys[i]!) && (i === 0 || keys[i - 1]! < keys[i]!);
  if (sorted) return keys;
  keys.sort();
  return keys.some(isArrayIndex) ? [...keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))] : keys;
}

const isArrayIndex = (k: string): boolean => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;
};

/** What pyStrRepr must escape or quote otherwise (most test arguments have none of it). */
const NEEDS_ESCAPE = /['\\\x00-\x1f\x7f-\xa0\xad]/;

function pyStrRepr(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Python's non-printables: C0/C1 controls, DEL, no-break space, soft hyphen.
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's str() of a YAML value, as dbt would see it. */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

/** The first 10 hex digits of `text`'s md5 (one-shot hash(): a load names ~N tests, createHash's objects cost more than the digest). */
export function shortHash(text: string): string {
  return hash('md5', text, 'hex').slice(0, 10);
}
