import nunjucks from 'nunjucks';
import { DICT_KEY_OBJECTS, dictKeyText, pyTuple, type Dict } from './python-values.js';

// nunjucks' SafeString (Jinja's Markup, a str): a text key.
const SafeString = (nunjucks.runtime as unknown as { SafeString: new (s: string) => object }).SafeString;

/**
 * A dict is a JS object keyed by text; a key of another type (a Relation, a number, a tuple) is
 * kept here under its text, so keys(), items() and iteration give it back as Python's dict does
 * (`{ref('a'): 'x'}` then `get_columns_in_relation(k)` for k in its keys: mattermost-analytics).
 */
const KEY_OBJECTS = DICT_KEY_OBJECTS;

/** `d[key] = value` with Python's key: the text key, remembering a non-text key. */
export function setDictItem(d: Dict, key: unknown, value: unknown): void {
  const text = dictKeyText(key);
  d[text] = value;
  const known = (d as Record<symbol, Map<string, unknown> | undefined>)[KEY_OBJECTS];
  if (text === key || key instanceof SafeString) known?.delete(text);
  else if (known) known.set(text, key);
  else Object.defineProperty(d, KEY_OBJECTS, { value: new Map([[text, key]]), enumerable: false });
}

/** A dict's keys as written: the text keys, with a non-text key given back as itself. */
export function dictKeys(d: Dict): unknown[] {
  const known = (d as Record<symbol, Map<string, unknown> | undefined>)[KEY_OBJECTS];
  const keys = Object.keys(d);
  return known?.size ? keys.map((k) => (known.has(k) ? known.get(k) : k)) : keys;
}

/** `dict.items()`: (key, value) tuples, each key as written. */
export function dictItems(d: Dict): unknown[][] {
  const keys = dictKeys(d);
  return Object.keys(d).map((k, i) => pyTuple([keys[i], d[k]]));
}

/** Copies `from`'s non-text keys onto `to` (dict.copy(), update()), for the keys `to` now holds. */
export function copyDictKeys(from: unknown, to: Dict): void {
  const known = from !== null && typeof from === 'object' ? (from as Record<symbol, Map<string, unknown> | undefined>)[KEY_OBJECTS] : undefined;
  if (known) for (const [text, key] of known) if (Object.hasOwn(to, text)) setDictItem(to, key, to[text]);
}

/** Forgets a removed key's non-text form. */
export function dropDictKey(d: Dict, text: string): void {
  (d as Record<symbol, Map<string, unknown> | undefined>)[KEY_OBJECTS]?.delete(text);
}
