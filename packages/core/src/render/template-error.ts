import { ProjectError, TsdbtError } from '../shared/errors.js';

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

/**
 * Turns whatever a render threw into a TsdbtError with file, line and column.
 * nunjucks wraps errors thrown by globals (ours included) in a TemplateError; unwrap them.
 */
export function toRenderError(error: unknown, file: string): TsdbtError {
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
    return new ProjectError(raised.code, raised.message, {
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
