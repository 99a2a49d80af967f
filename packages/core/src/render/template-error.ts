import { ProjectError, TsdbtError } from '../shared/errors.js';
import { preprocessWithPositions } from './jinja-compat/preprocess.js';
import { findSyntaxProblem } from './jinja-compat/syntax-check.js';

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

/**
 * The last TsdbtError a dbt global threw. nunjucks re-wraps errors thrown inside templates and
 * may drop the original (and with it our code and hint); this keeps it reachable.
 */
let lastRaised: TsdbtError | undefined;

/** Throws `error` from inside a render, remembering it for toRenderError. */
export function raiseInTemplate(error: TsdbtError): never {
  lastRaised = error;
  throw error;
}

/** A macro as an error names it: `dbt_utils.star`, defined in `file` (as errors show paths). */
export interface MacroSite {
  readonly label: string;
  readonly file: string;
}

/**
 * The error leaving a macro call, located: an error raised in the macro's own body points at its
 * file and line (`in macro …`); one that came from a macro it called keeps that location and
 * gains a `called by macro …` frame with the line of the call. Remembered for toRenderError,
 * since nunjucks keeps only the message of errors that cross a template boundary.
 */
export function macroCallError(error: unknown, macro: MacroSite): TsdbtError {
  let e: unknown = error;
  let line: number | undefined;
  let column: number | undefined;
  while (e instanceof Error && !(e instanceof TsdbtError)) {
    const ne = e as NunjucksError;
    if (ne.lineno && line === undefined) {
      line = ne.lineno;
      column = ne.colno;
    }
    if (!ne.cause) break;
    e = ne.cause;
  }
  const at = `${macro.file}${line ? `:${line}` : ''}`;
  let out: TsdbtError;
  if (e instanceof TsdbtError && e.callChain?.length) {
    out = sameKind(e, { file: e.file, line: e.line, column: e.column, hint: e.hint, cause: e.cause ?? e, callChain: [...e.callChain, `called by macro ${macro.label} (${at})`] });
  } else if (e instanceof TsdbtError) {
    out = sameKind(e, { file: macro.file, line: line ?? e.line, column: line ? column : e.column, hint: e.hint, cause: e, callChain: [`in macro ${macro.label} (${at})`] });
  } else {
    const reason = e instanceof Error ? e.message : String(e);
    out = new ProjectError('jinja', `Jinja error: ${reason}`, { file: macro.file, line, column, hint: 'Fix the macro at this position.', cause: error, callChain: [`in macro ${macro.label} (${at})`] });
  }
  lastRaised = out;
  return out;
}

/** `e` again, with a new location (a database error stays a DatabaseError). */
function sameKind(e: TsdbtError, options: ConstructorParameters<typeof TsdbtError>[2]): TsdbtError {
  const Kind = e.constructor as typeof TsdbtError;
  return new Kind(e.code, e.message, options);
}

/**
 * Turns whatever a render threw into a TsdbtError with file, line and column.
 * nunjucks wraps errors thrown by globals (ours included) in a TemplateError; unwrap them.
 * `caller` (e.g. `model 'orders'`) names the template for the call chain of an error raised in a macro.
 */
export function toRenderError(error: unknown, file: string, caller?: string): TsdbtError {
  let e: unknown = error;
  let line: number | undefined;
  let column: number | undefined;
  while (e instanceof Error) {
    const ne = e as NunjucksError;
    if (ne.lineno && line === undefined) {
      line = ne.lineno;
      column = ne.colno;
    }
    if (e instanceof TsdbtError) {
      if (e.line !== undefined || line === undefined) return e;
      return new ProjectError(e.code, e.message, { file: e.file ?? file, line, column, hint: e.hint, cause: e.cause });
    }
    if (!ne.cause) break;
    e = ne.cause;
  }
  const raw = error instanceof Error ? error.message : String(error);
  const raised = lastRaised;
  lastRaised = undefined;
  if (raised && raw.includes(raised.message)) {
    const m2 = /\[Line (\d+)(?:, Column (\d+))?\]/.exec(raw);
    const callLine = line ?? (m2 ? Number(m2[1]) : undefined);
    const callChain = raised.callChain?.length ? [...raised.callChain, `called by ${caller ?? 'template'} (${file}${callLine ? `:${callLine}` : ''})`] : undefined;
    return sameKind(raised, {
      callChain,
      file: raised.file ?? file,
      line: raised.line ?? line ?? (m2 ? Number(m2[1]) : undefined),
      column: raised.column ?? column ?? (m2?.[2] ? Number(m2[2]) : undefined),
      hint: raised.hint,
      cause: raised,
    });
  }
  const m = /\[Line (\d+)(?:, Column (\d+))?\]/.exec(raw);
  if (m) {
    line ??= Number(m[1]);
    column ??= m[2] ? Number(m[2]) : undefined;
  }
  // nunjucks prefixes "(file) [Line n, Column m]" and "Template render error:"; keep the reason.
  const reason = raw
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !/^\(.*\)( \[Line.*\])?$/.test(s))
    .join(' ')
    .replace(/^Template render error:\s*/, '')
    .replace(/^Error:\s*/, '');
  return new ProjectError('jinja', `Jinja error: ${reason || 'render failed'}`, {
    file,
    line,
    column,
    hint: 'Fix the template at this position.',
    cause: error,
  });
}

/**
 * A template nunjucks refused to compile, located in `source` as the user wrote it: Jinja2's own
 * structure problems first (a stray `}`, a block never closed → the line of its opening tag), else
 * nunjucks' position mapped back through the preprocessor's rewrites.
 */
export function toSyntaxError(error: unknown, source: string, file: string): TsdbtError {
  if (error instanceof TsdbtError) return error;
  const problem = findSyntaxProblem(source);
  if (problem) return new ProjectError('jinja', `Jinja syntax error: ${problem.message}`, { file, line: problem.line, column: problem.column, hint: problem.hint, cause: error });
  const e = toRenderError(error, file);
  if (e.file !== file || e.line === undefined) return e;
  let at: { line: number; column: number };
  try {
    at = preprocessWithPositions(source, file).sourcePosition(e.line, e.column ?? 1);
  } catch {
    return e;
  }
  return sameKind(e, { file, line: at.line, column: e.column === undefined ? undefined : at.column, hint: e.hint, cause: e.cause, callChain: e.callChain });
}

/**
 * nunjucks finds an unknown filter only while rendering, with no position; Jinja2 names it when it
 * compiles the template, where it is used. Located in `source` at its first use.
 */
export function locateUnknownFilter(e: TsdbtError, source: string | undefined): TsdbtError {
  const m = /filter not found: ([\w.]+)/.exec(e.message);
  if (!m || source === undefined) return e;
  const name = m[1]!;
  const text = source.replace(/\r\n?/g, '\n');
  const use = new RegExp(`\\|\\s*(${name.replace(/\./g, '\\.')})(?![\\w.])`).exec(text);
  if (!use) return e;
  const at = use.index + use[0].length - name.length;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return new ProjectError('jinja', `Jinja error: No filter named '${name}'.`, { file: e.file, line, column, hint: "Check the filter's name: Jinja2's built-in filters (lower, replace, join, default…) and dbt's are available.", cause: e, callChain: e.callChain });
}
