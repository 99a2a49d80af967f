import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { bindArgs, splitArgs } from './call-args.js';
import { jinjaJson } from './jinja-compat/filters.js';
import { pyStr, pyTuple } from './jinja-compat/python-values.js';
import { toList } from './jinja-compat/python-methods.js';
import { pythonModules } from './modules/index.js';
import { DateTime, UTC } from './modules/datetime.js';
import { DBT_VERSION } from '../shared/dbt-version.js';

/**
 * dbt's base context (dbt-core context/base.py): the members every template has, whatever it
 * renders — json/yaml helpers, set/zip, modules, run_started_at, dbt_version, local_md5…
 */


function zip(...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args);
  if (positional.some((a) => a === null || a === undefined || typeof a !== 'object' && typeof a !== 'string')) {
    if ('default' in keywords) return keywords.default;
    return null;
  }
  const lists = positional.map((a) => toList(a));
  const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
  return Array.from({ length: n }, (_, i) => pyTuple(lists.map((l) => l[i])));
}

function toSet(value: unknown): Set<unknown> | undefined {
  if (value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'string')) return undefined;
  return new Set(toList(value));
}

export function baseContext(options: {
  readonly log: (message: string, level: 'info' | 'debug') => void;
  readonly runStartedAt: Date;
  /** The dbt version the root project runs as (dbtVersionFor): a project pinned below 1.11 reads 1.10's. */
  readonly dbtVersion?: string;
}): Record<string, unknown> {
  return {
    dbt_version: options.dbtVersion ?? DBT_VERSION,
    modules: pythonModules,
    run_started_at: DateTime.fromJsDate(options.runStartedAt, UTC),
    fromjson: (...args: unknown[]) => {
      const a = bindArgs(args, ['string', 'default']);
      try {
        return JSON.parse(String(a.string));
      } catch {
        return a.default ?? null;
      }
    },
    // dbt's tojson(): Python's json.dumps (`{"a": 1}`, keys in order unless sort_keys, non-ASCII escaped).
    tojson: (...args: unknown[]) => {
      const a = bindArgs(args, ['value', 'default', 'sort_keys']);
      try {
        return jinjaJson(a.value, null, 0, { sortKeys: a.sort_keys === true, htmlSafe: false });
      } catch {
        return a.default ?? null;
      }
    },
    fromyaml: (...args: unknown[]) => {
      const a = bindArgs(args, ['value', 'default']);
      try {
        return parseYaml(String(a.value)) ?? null;
      } catch {
        return a.default ?? null;
      }
    },
    toyaml: (...args: unknown[]) => {
      const a = bindArgs(args, ['value', 'default', 'sort_keys']);
      try {
        return toYaml(a.value, { sortMapEntries: a.sort_keys === true });
      } catch {
        return a.default ?? null;
      }
    },
    set: (...args: unknown[]) => {
      const a = bindArgs(args, ['value', 'default']);
      return toSet(a.value) ?? a.default ?? null;
    },
    set_strict: (value: unknown) => {
      const s = toSet(value);
      if (!s) throw new TypeError(`'${typeof value}' object is not iterable`);
      return s;
    },
    // dbt's `validation.any(list, basestring)` — dbt-clickhouse's own macros write it
    // `validation.any[list, basestring]` — names the types config.get(…, validator=…) accepts;
    // config.get takes the validator and returns the value.
    validation: { any: Object.assign((...types: unknown[]) => pyTuple(types), { __getitem__: (key: unknown) => pyTuple(Array.isArray(key) ? key : [key]) }) },
    zip,
    zip_strict: (...args: unknown[]) => {
      const out = zip(...args);
      if (out === null) throw new TypeError('zip argument must support iteration');
      return out;
    },
    local_md5: (value: unknown) => createHash('md5').update(String(value)).digest('hex'),
    diff_of_two_dicts: (a: unknown, b: unknown) => {
      const dictA = (a ?? {}) as Record<string, unknown[]>;
      const lowered = new Map(Object.entries((b ?? {}) as Record<string, unknown[]>).map(([k, v]) => [k.toLowerCase(), v.map((x) => String(x).toLowerCase())]));
      const out: Record<string, unknown[]> = {};
      for (const [k, values] of Object.entries(dictA)) {
        const other = lowered.get(k.toLowerCase());
        if (!other) out[k] = values;
        else {
          const diff = values.filter((v) => !other.includes(String(v).toLowerCase()));
          if (diff.length) out[k] = diff;
        }
      }
      return out;
    },
    log: (...args: unknown[]) => {
      const a = bindArgs(args, ['msg', 'info']);
      // Python's str(): a list or dict logs as ['a'] / {'k': 1}, not [object Object].
      options.log(pyStr(a.msg ?? ''), a.info ? 'info' : 'debug');
      return '';
    },
    print: (msg: unknown) => {
      options.log(pyStr(msg), 'info');
      return '';
    },
  };
}
