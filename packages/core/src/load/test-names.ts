import { hash } from 'node:crypto';

/** dbt's generic test naming: `<test>_<resource>_<args…>`, or a truncated name + md5 when ≥ 64 chars. */
export function genericTestName(testName: string, resourceName: string, kwargs: Readonly<Record<string, unknown>>): string {
  const flat: string[] = [];
  for (const key of Object.keys(kwargs).sort()) {
    if (key === 'model') continue;
    const value = kwargs[key];
    const parts = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [value];
    flat.push(...parts.map((p) => pyStr(p)));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testName}_${resourceName}`;
  const full = unique ? `${identifier}_${unique}` : identifier;
  if (full.length < 64) return full;
  return `${identifier.slice(0, 30)}_${hash('md5', full, 'hex')}`;
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
