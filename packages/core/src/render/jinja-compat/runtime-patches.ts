import nunjucks from 'nunjucks';
import { checkMacroArgs, type MacroArgInfo } from './macro-args.js';
import { pyMod } from './python-format.js';
import { bindMethod, DICT_METHODS, LIST_METHODS, SET_METHODS, STR_METHODS, toList, unitsAreCodePoints } from './python-methods.js';
import {
  PRINT, dictKeyText, isDict, isStr, isTuple, pyAdd, pyBool, pyCompare, pyDiv, pyFloorDiv, pyIn, pyMul, pyNeg, pyPow, pyStr, pySub, pyTuple, pyTypeName, type Dict,
} from './python-values.js';
import { dictKeys, setDictItem } from './dict-keys.js';

/**
 * Jinja's runtime: overrides of nunjucks' `runtime` functions, plus the `jc*` helpers the compiler
 * overrides emit calls to, installed on OUR runtime object (environment.ts: an object inheriting
 * from `nunjucks.runtime`, handed to our compiled templates as their `runtime`) — nunjucks' own
 * runtime is never changed.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...args: any[]) => any;
interface FrameLike {
  variables: Record<string, unknown>;
  set(name: string, val: unknown, resolveUp?: boolean): void;
}

const UNDEFINED_CALL = Symbol('onUndefinedCall');

/**
 * Sets what a call of an undefined name (`missing_macro()`, `pkg.missing()`) gives in templates of
 * `env`: the handler's value, or nunjucks' "Unable to call" error when it returns undefined.
 */
export function setUndefinedCallHandler(env: object, handler: (name: string) => unknown): void {
  (env as Record<symbol, unknown>)[UNDEFINED_CALL] = handler;
}

/**
 * Thrown by the `return()` global; the macro wrapper turns it into the macro call's value. It is
 * control flow, thrown once per macro call that returns (elementary renders every uploaded row
 * through a dozen such macros): no stack trace is captured, which cost more than the call itself.
 */
export class ReturnSignal extends Error {
  readonly value: unknown;
  constructor(value: unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('return() called outside of a macro');
    Error.stackTraceLimit = limit;
    this.value = value;
  }
}

/** The value of `return(x)` compiled as a JS return out of the macro's function (compiler-patches). */
class Returned {
  constructor(readonly value: unknown) {}
}

/** nunjucks' own runtime: read (its functions wrapped, its classes extended), never written. */
const base = nunjucks.runtime as any;
const lib = (nunjucks as any).lib;

/**
 * Jinja scoping: `{% set %}` inside a loop (or an included template) never writes outward — every
 * frame a template pushes isolates its writes. Compiled code reaches it as `runtime.Frame` and
 * through `frame.push()`; a render's root frame is one (environment.ts JinjaTemplate).
 */
export class JinjaFrame extends (base.Frame as new (parent?: unknown, isolateWrites?: boolean) => object) {
  push(): JinjaFrame {
    return new JinjaFrame(this, true);
  }

  // nunjucks' set() splits every name on '.' (for `loop.index`-style names): a plain name, what
  // nearly every set is (macro arguments, loop variables, {% set %}), skips the split.
  set(name: string, val: unknown, resolveUp?: boolean): void {
    const self = this as any;
    const dot = name.indexOf('.');
    if (dot !== -1) {
      // `loop.index` & co., set at every iteration of every loop: one dot, no split.
      if (resolveUp || name.indexOf('.', dot + 1) !== -1) return base.Frame.prototype.set.call(this, name, val, resolveUp);
      const head = name.slice(0, dot);
      const obj = self.variables[head] || (self.variables[head] = {});
      obj[name.slice(dot + 1)] = val;
      return;
    }
    if (resolveUp) {
      const owner: FrameLike | undefined = self.resolve(name, true);
      if (owner) return owner.set(name, val);
    }
    self.variables[name] = val;
  }
}

/** `s[a:b]` of a text whose units are its code points: String.slice clamps as Python does. */
function textSlice(s: string, start: unknown, stop: unknown): string {
  const a = start === null || start === undefined ? 0 : Number(start);
  const b = stop === null || stop === undefined ? s.length : Number(stop);
  return s.slice(a, b);
}

/** Python slice semantics (`[1:3]`, `[::-1]`, `[-2:]`); strings slice to strings. */
export function pySlice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (seq === undefined || seq === null) return undefined;
  const str = isStr(seq);
  if (str && (step === null || step === undefined || Number(step) === 1) && unitsAreCodePoints(String(seq))) {
    return textSlice(String(seq), start, stop);
  }
  const items: unknown[] = str ? [...String(seq)] : Array.isArray(seq) ? seq : [];
  const len = items.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw new Error('ValueError: slice step cannot be zero');
  const clamp = (i: unknown, dflt: number): number => {
    if (i === null || i === undefined) return dflt;
    let n = Number(i);
    if (n < 0) n = Math.max(n + len, st < 0 ? -1 : 0);
    else if (n >= len) n = st < 0 ? len - 1 : len;
    return n;
  };
  const a = clamp(start, st > 0 ? 0 : len - 1);
  const b = clamp(stop, st > 0 ? len : -1);
  const out: unknown[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(items[i]);
  if (str) return out.join('');
  return isTuple(seq) ? pyTuple(out) : out;
}

/** nunjucks' own memberLookup (installJinjaCompat's replacement maps `.items` etc. on any object). */
function baseLookup(obj: any, key: any): unknown {
  const v = obj[key];
  if (typeof v !== 'function') return v;
  const bound = (...args: unknown[]) => v.apply(obj, args);
  // A callable that carries attributes (a Python class such as `datetime.datetime`, with its
  // class methods) keeps them.
  return Object.keys(v).length ? Object.assign(bound, v) : bound;
}

function makeLookups(orig: AnyFn) {
  /** `x[key]` and slices: Python indexing (negative indexes count from the end). */
  function itemLookup(obj: unknown, key: unknown, ...rest: unknown[]): unknown {
    if (rest.length === 2) return pySlice(obj, key, rest[0], rest[1]);
    if (obj === undefined || obj === null) return undefined;
    if (isStr(obj)) obj = String(obj);
    // A Python object's `__getitem__` (re's match objects, dbt's validation.any).
    if (typeof (obj as { __getitem__?: unknown }).__getitem__ === 'function') return (obj as { __getitem__: AnyFn }).__getitem__(key);
    if ((Array.isArray(obj) || typeof obj === 'string') && typeof key === 'number') {
      const seq = obj as ArrayLike<unknown>;
      return seq[key < 0 ? seq.length + key : key];
    }
    // A dict's non-text key (a tuple, None) is held under its Python text, as setDictItem writes it.
    if (isDict(obj) && key !== undefined && !isStr(key)) return orig(obj, dictKeyText(key));
    return orig(obj, key);
  }

  /** `x.name`, noting a defined value's missing attribute for jcCallWrap's error. */
  function attrLookup(obj: unknown, key: unknown): unknown {
    const v = pyAttr(obj, key);
    if (v === undefined) missingAttr = obj === undefined || obj === null ? null : { owner: obj, name: String(key) };
    return v;
  }

  /** `x.name`: Python str/list/dict methods; a JS object's own function properties win. */
  function pyAttr(obj: unknown, key: unknown): unknown {
    if (obj === undefined || obj === null) return undefined;
    const name = String(key);
    if (isStr(obj)) return bindMethod(STR_METHODS, name, String(obj)) ?? orig(String(obj), key);
    if (Array.isArray(obj)) return bindMethod(LIST_METHODS, name, obj) ?? orig(obj, key);
    if (obj instanceof Set) return bindMethod(SET_METHODS, name, obj) ?? orig(obj, key);
    if (isDict(obj)) {
      if (name === 'cycle' && 'index0' in obj && 'revindex0' in obj) {
        const loop = obj as { index0: number };
        return (...args: unknown[]) => args[loop.index0 % args.length];
      }
      if (typeof obj[name] === 'function') return orig(obj, key);
      return bindMethod(DICT_METHODS, name, obj) ?? orig(obj, key);
    }
    return orig(obj, key);
  }
  return { itemLookup, attrLookup };
}

/**
 * The last `x.name` lookup that found nothing on a defined `x`: when the template then calls it,
 * the error says what `x` is (`'str object' has no attribute 'foo'`, as Jinja does) instead of
 * reading `x` as a package that is not installed (render/unknown-calls.ts reads the suffix).
 */
let missingAttr: { owner: unknown; name: string } | null = null;

/** Jinja's name of a value's type in "'<type> object' has no attribute": str, dict, Relation… */
function ownerTypeName(v: unknown): string {
  const py = pyTypeName(v);
  if (py !== 'object') return py;
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'object';
}

let pendingMacroInfo: { varargs: unknown[]; declared: string[] } | null = null;
/** `varargs` of a call with no extra positional arguments (a tuple: immutable, so one for all). */
const NO_VARARGS = Object.freeze(pyTuple([] as unknown[])) as unknown as unknown[];

/** Wraps nunjucks' makeMacro: `return(x)` support and Jinja's `varargs`/`kwargs`. */
function patchMakeMacro(runtime: any): void {
  const orig = base.makeMacro as AnyFn;
  runtime.makeMacro = function makeMacro(argNames: string[], kwargNames: string[], func: AnyFn) {
    const inner = orig(argNames, kwargNames, func);
    const declared = [...argNames, ...kwargNames];
    const macro = function macro(this: unknown, ...macroArgs: unknown[]) {
      const positional = runtime.numArgs(macroArgs) as number;
      const info = (macro as { jcArgs?: MacroArgInfo }).jcArgs;
      if (info) checkMacroArgs(info, declared, positional, (positional < macroArgs.length ? macroArgs[macroArgs.length - 1] : {}) as Dict);
      const extra = positional > declared.length ? pyTuple(macroArgs.slice(declared.length, positional)) : NO_VARARGS;
      pendingMacroInfo = { varargs: extra, declared };
      try {
        const out = inner.apply(this, macroArgs);
        return out instanceof Returned ? out.value : out;
      } catch (e) {
        if (e instanceof ReturnSignal) return e.value;
        throw e;
      } finally {
        pendingMacroInfo = null;
      }
    };
    return macro;
  };
  // Called by the compiled macro body right after its frame is created (see compiler-patches).
  runtime.jcIsReturn = (e: unknown) => e instanceof ReturnSignal;
  runtime.jcReturned = (value: unknown) => new Returned(value);
  runtime.jcMacroVars = (frame: FrameLike, kwargs: Dict | undefined) => {
    const info = pendingMacroInfo;
    pendingMacroInfo = null;
    const extra: Dict = {};
    for (const [k, v] of Object.entries(kwargs ?? {})) {
      if (k !== '__keywords' && k !== 'caller' && !info?.declared.includes(k)) extra[k] = v;
    }
    frame.set('varargs', info ? info.varargs : NO_VARARGS);
    frame.set('kwargs', extra);
  };
}

/** Installs Jinja's runtime on `runtime` (an object inheriting nunjucks' runtime). */
export function installRuntimePatches(runtime: any): void {
  const { itemLookup, attrLookup } = makeLookups(baseLookup);
  runtime.memberLookup = itemLookup;
  runtime.jcAttr = attrLookup;
  // Jinja: a name bound in an enclosing frame — a macro argument the caller did not pass, or passed
  // as an undefined value (`flags=N` with no N) — is Undefined there; nunjucks fell through to the
  // context and found the global of that name (dbt's `flags` object in dbt_expectations' regex tests).
  const contextLookup = runtime.contextOrFrameLookup as AnyFn; // installJinjaCompat's (True/False/None)
  runtime.contextOrFrameLookup = function contextOrFrameLookup(this: unknown, context: any, frame: any, name: string) {
    const val = frame.lookup(name);
    if (val !== undefined) return val;
    for (let f = frame; f; f = f.parent) if (f.variables && Object.prototype.hasOwnProperty.call(f.variables, name)) return undefined;
    return contextLookup.call(this, context, frame, name);
  };

  runtime.suppressValue = function suppressValue(val: unknown, autoescape: boolean) {
    if (val instanceof runtime.SafeString) return val;
    const print = val !== null && typeof val === 'object' ? (val as Record<symbol, unknown>)[PRINT] : undefined;
    const s = typeof print === 'function' ? String(print.call(val)) : pyStr(val);
    return autoescape ? lib.escape(s) : s;
  };
  runtime.inOperator = (needle: unknown, haystack: unknown) => pyIn(needle, haystack);
  const origFromIterator = base.fromIterator as AnyFn;
  // `for k in dict` iterates the keys, as in Python.
  runtime.fromIterator = (arr: unknown) => (isDict(arr) ? dictKeys(arr) : origFromIterator(arr));

  runtime.Frame = JinjaFrame;
  // Each loop iteration starts from a fresh scope: drop what the previous iteration set.
  runtime.jcResetLoopFrame = (frame: FrameLike, keep: string[]) => {
    for (const k of Object.keys(frame.variables)) {
      if (k !== 'loop' && !keep.includes(k)) delete frame.variables[k];
    }
  };

  // The `loop` variable of a for loop's iteration `i` of `len` over `arr` (compiler-patches):
  // one object per loop frame, updated in place, as Jinja's LoopContext.
  runtime.jcLoopVars = (frame: FrameLike, arr: ArrayLike<unknown>, i: number, len: number) => {
    const loop = frame.variables.loop as Record<string, unknown> | undefined;
    if (!loop) {
      frame.variables.loop = {
        index: i + 1, index0: i, revindex: len - i, revindex0: len - i - 1, first: i === 0, last: i === len - 1, length: len,
        previtem: i > 0 ? arr[i - 1] : undefined, nextitem: arr[i + 1], depth: 1, depth0: 0,
      };
      return;
    }
    loop.index = i + 1;
    loop.index0 = i;
    loop.revindex = len - i;
    loop.revindex0 = len - i - 1;
    loop.first = i === 0;
    loop.last = i === len - 1;
    loop.length = len;
    loop.previtem = i > 0 ? arr[i - 1] : undefined;
    loop.nextitem = arr[i + 1];
    loop.depth = 1;
    loop.depth0 = 0;
  };

  patchMakeMacro(runtime);

  // dbt parses with a callable Undefined: a call of an undefined name gives Undefined instead of
  // failing. An environment that sets `onUndefinedCall` (setUndefinedCallHandler) answers such
  // calls itself; a handler returning undefined lets nunjucks raise its error as before.
  const callWrap = base.callWrap as AnyFn;
  runtime.callWrap = function jcCallWrap(obj: unknown, name: string, context: any, args: unknown[]) {
    if (!obj) {
      const answer = context?.env?.[UNDEFINED_CALL]?.(name);
      if (answer !== undefined) return answer;
      const missing = missingAttr;
      missingAttr = null;
      if (missing && name.endsWith(`["${missing.name}"]`)) {
        throw new Error(`Unable to call \`${name}\`, which is undefined or falsey: '${ownerTypeName(missing.owner)} object' has no attribute '${missing.name}'`);
      }
    }
    return callWrap(obj, name, context, args);
  };

  // Compiled templates track 0-based node positions; nunjucks reported them as 1-based lines.
  const origHandleError = base.handleError as AnyFn;
  runtime.handleError = (error: unknown, lineno: number, colno: number) =>
    origHandleError(error, typeof lineno === 'number' ? lineno + 1 : lineno, typeof colno === 'number' ? colno + 1 : colno);

  runtime.jcBool = pyBool;
  runtime.jcOr = (a: unknown, b: () => unknown) => (pyBool(a) ? a : b());
  runtime.jcAnd = (a: unknown, b: () => unknown) => (pyBool(a) ? b() : a);
  runtime.jcConcat = (a: unknown, b: unknown) => pyStr(a) + pyStr(b);
  runtime.jcAdd = pyAdd;
  runtime.jcMul = pyMul;
  runtime.jcSub = pySub;
  runtime.jcDiv = pyDiv;
  runtime.jcFloorDiv = pyFloorDiv;
  runtime.jcPow = pyPow;
  runtime.jcNeg = pyNeg;
  runtime.jcMod = pyMod;
  runtime.jcCompare = pyCompare;
  runtime.jcTuple = pyTuple;
  runtime.jcToList = toList;
  runtime.jcDict = (pairs: [unknown, unknown][]) => {
    const d: Dict = {};
    for (const [k, v] of pairs) setDictItem(d, k, v);
    return d;
  };
}
