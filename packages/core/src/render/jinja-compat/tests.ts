import nunjucks from 'nunjucks';
import { isDict, isFloat, isNumeric, isStr, isUndefinedCallable, pyCompareOp, pyIn, pyModNum } from './python-values.js';

/** Jinja2 tests (`x is none`, `x is in [..]`, `x is sameas y`), with Python semantics. */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Test = (this: any, value: unknown, ...args: unknown[]) => boolean;

const SafeString = (nunjucks.runtime as any).SafeString;
const isUndefinedValue = (v: unknown): boolean => v === undefined || isUndefinedCallable(v);
const cmp = (op: string): Test => (v, other) => pyCompareOp(v, op, other);

export const JINJA_TESTS: Record<string, Test> = {
  none: (v) => v === null,
  // `x is none` reaches nunjucks as the literal `none`, i.e. a test named "null".
  null: (v) => v === null,
  defined: (v) => !isUndefinedValue(v),
  undefined: (v) => isUndefinedValue(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => isFloat(v),
  number: (v) => isNumeric(v),
  string: (v) => isStr(v),
  // Objects standing for Python mappings (dbt's Relation is one) say so with `__mapping__`.
  mapping: (v) => isDict(v) || v instanceof Map || (typeof v === 'object' && v !== null && (v as { __mapping__?: unknown }).__mapping__ === true),
  // Jinja2's Undefined has __len__ (0), __getitem__ and __iter__ (nothing): it is a sequence and iterable.
  // automate-dv's is_list() relies on it — a macro argument left out (`src_extra_columns`) is an empty list there.
  sequence: (v) => isUndefinedValue(v) || isStr(v) || Array.isArray(v) || isDict(v),
  iterable: (v) => isUndefinedValue(v) || isStr(v) || Array.isArray(v) || isDict(v) || (typeof v === 'object' && v !== null && Symbol.iterator in v),
  callable: (v) => typeof v === 'function',
  sameas: (v, other) => v === other,
  escaped: (v) => v instanceof SafeString,
  in: (v, seq) => pyIn(v, seq),
  odd: (v) => pyModNum(Number(v), 2) === 1,
  even: (v) => pyModNum(Number(v), 2) === 0,
  divisibleby: (v, n) => pyModNum(Number(v), Number(n)) === 0,
  lower: (v) => isStr(v) && /\p{Ll}/u.test(String(v)) && String(v) === String(v).toLowerCase(),
  upper: (v) => isStr(v) && /\p{Lu}/u.test(String(v)) && String(v) === String(v).toUpperCase(),
  filter: function (v) {
    return typeof v === 'string' && Boolean(this.env.filters[v]);
  },
  test: function (v) {
    return typeof v === 'string' && Boolean(this.env.tests[v]);
  },
  '==': cmp('=='), eq: cmp('=='), equalto: cmp('=='),
  '!=': cmp('!='), ne: cmp('!='),
  '<': cmp('<'), lt: cmp('<'), lessthan: cmp('<'),
  '<=': cmp('<='), le: cmp('<='),
  '>': cmp('>'), gt: cmp('>'), greaterthan: cmp('>'),
  '>=': cmp('>='), ge: cmp('>='),
};

export function installTests(env: nunjucks.Environment): void {
  // @types/nunjucks lacks addTest.
  const addTest = (env as unknown as { addTest(n: string, f: Test): void }).addTest.bind(env);
  for (const [name, fn] of Object.entries(JINJA_TESTS)) addTest(name, fn);
}
