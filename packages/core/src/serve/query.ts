import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SELECT_FROM_SPOOLED, spooledParams } from '../adapter/insert-file.js';
import { checkSettings, checkStatement, effectiveReadonly, requiredReadonly, stricter, type Role } from './access.js';
import type { Engine, EngineSession } from './engine.js';
import { describeError, ErrorCode, HttpQueryError, isSettingParam, tsvUnescape } from './protocol.js';
import { readStatement, spool, type BodyLimits, type RequestStatement } from './request-body.js';
import { respond, responseEncoder, streamResult, summaryHeader } from './respond.js';
import { contentTypeOf, isStreamableFormat, isStreamableKind, outputFormatClause, statementKind } from './sql-text.js';

/** What running a request needs from the server. */
export interface QueryContext {
  readonly engine: Engine;
  readonly runningQueries: Set<string>;
  readonly limits: BodyLimits;
  /** Private folder for INSERT data on its way into the engine. */
  readonly spoolDir: string;
}

export interface QueryRequest {
  readonly role: Role;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly queryId: string;
  readonly started: bigint;
  /** Called with true while the engine works on the request (no socket idle timeout then), false once the answer flows. */
  readonly busy: (working: boolean) => void;
}

const READONLY_GET = 'For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries';
const READONLY_CLIENT = 'tsdbt serve lets its clients read only; start it with --allow-writes (the target needs a password) to let them write';

function readonlyError(role: Role, isGet: boolean): HttpQueryError {
  const hints = [isGet ? READONLY_GET : '', role === 'reader' ? READONLY_CLIENT : ''].filter(Boolean);
  return new HttpQueryError(ErrorCode.READONLY, 'READONLY', ['Cannot execute query in readonly mode', ...hints].join('. '));
}

/** Statements that only read (for a GET in a session that may write). */
const READ_KINDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN']);

/** ClickHouse's readonly refusals, with what the client can do about them. */
function withReadonlyHint(error: unknown, role: Role, isGet: boolean): unknown {
  if (error instanceof HttpQueryError || describeError(error, '').code !== ErrorCode.READONLY) return error;
  const message = String((error as Error).message);
  const setting = /Cannot modify '(\w+)' setting/.exec(message)?.[1];
  if (setting === 'readonly') return error;
  if (setting)
    return new HttpQueryError(
      ErrorCode.READONLY,
      'READONLY',
      `Cannot modify '${setting}' setting in readonly mode: clients of tsdbt serve run at readonly = 1, where a statement cannot change settings. Pass it as a URL parameter instead (…&${setting}=…)`,
    );
  return readonlyError(role, isGet);
}

/**
 * Rows in a spooled INSERT file, for the summary header (chDB reports no written rows for an
 * INSERT … SELECT). ClickHouse counts text formats without parsing the values; formats it cannot
 * read without the table's structure count as 0.
 */
async function countRows(session: EngineSession, where: Record<string, string>): Promise<number> {
  try {
    const r = await session.chdb.queryBindAsync('SELECT count() FROM file({tsdbt_insert_path:String}, {tsdbt_insert_format:String})', where, { format: 'TSVRaw' });
    return Number(r.text().trim()) || 0;
  } catch {
    return 0;
  }
}

/** A KILL QUERY, after any leading comments. */
const KILL_QUERY = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*KILL\s+QUERY\b/i;

/** An INSERT whose rendering ends in `FORMAT x`: it carries inline data. */
function carriesInlineData(canonical: string): boolean {
  return /^\s*INSERT\b/i.test(canonical) && /\bFORMAT\s+[A-Za-z][A-Za-z0-9_]*\s*$/i.test(canonical.replace(/'(?:[^'\\]|\\.)*'/gs, "''"));
}

/**
 * Runs one request's statement on a chDB connection set up for the caller's role: the client's
 * settings first, then the readonly level (so that it cannot be lowered), then ClickHouse's own
 * rendering of the statement is checked, then the statement runs. INSERT data never travels in
 * the SQL text (chDB would end it at a blank line and run what follows): it goes to a private
 * file that `INSERT … SELECT * FROM file()` reads.
 */
export async function runQuery(ctx: QueryContext, q: QueryRequest): Promise<void> {
  const { role, req, res, params, headers } = q;
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  if (params.get('decompress') === '1' || params.get('compress') === '1')
    throw new HttpQueryError(ErrorCode.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', "ClickHouse's native block compression (compress/decompress=1) is not supported by tsdbt serve; use Content-Encoding / enable_http_compression");
  const settings = new Map<string, string>();
  for (const [name, value] of params) if (isSettingParam(name)) settings.set(name, value);
  checkSettings(role, settings);
  const level = effectiveReadonly(requiredReadonly(role, isGet), settings.get('readonly'));
  settings.delete('readonly');
  const bound: Record<string, string | null> = {};
  for (const [name, value] of params) if (name.startsWith('param_')) bound[name.slice(6)] = tsvUnescape(value);

  const limits = role === 'admin' ? { ...ctx.limits, maxInsertBytes: Number.POSITIVE_INFINITY } : ctx.limits;
  const statement = await readStatement(req, params.get('query') ?? '', isGet, limits);
  // Data a connection at readonly would refuse is not even read.
  if (statement.kind === 'insert' && level !== 0) throw readonlyError(role, isGet);
  if (role === 'admin' && statement.kind === 'text' && KILL_QUERY.test(statement.sql)) {
    // Another tsdbt process stopping its statements (warehouse-client.ts, on Ctrl-C): at once, before any connection or
    // engine thread is taken, as the statements it stops may hold them all (it would wait for them to end).
    ctx.engine.killNow(statement.sql);
    await respond(res, 200, { ...headers, 'X-ClickHouse-Format': 'TabSeparated', 'Content-Type': contentTypeOf('TabSeparated') }, undefined, Buffer.alloc(0));
    return;
  }
  if (statement.kind === 'text' && !statement.sql.trim()) throw new HttpQueryError(ErrorCode.SYNTAX_ERROR, 'SYNTAX_ERROR', 'Empty query');

  const defaultFormat = params.get('default_format') || settings.get('format') || 'TabSeparated';
  settings.delete('format');
  if (ctx.runningQueries.has(q.queryId))
    throw new HttpQueryError(ErrorCode.QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING, 'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING', `Query with id = ${q.queryId} is already running`);

  const sessionId = params.get('session_id');
  let session: EngineSession;
  if (sessionId) {
    const timeout = Number(params.get('session_timeout') ?? 60);
    if (!Number.isFinite(timeout) || timeout < 0 || timeout > 3600)
      throw new HttpQueryError(ErrorCode.INVALID_SESSION_TIMEOUT, 'INVALID_SESSION_TIMEOUT', `Invalid session timeout: '${params.get('session_timeout')}'`);
    // Sessions of different roles never meet: a client cannot pick up a session of a tsdbt process.
    session = ctx.engine.session(`${role}:${sessionId}`, { check: params.get('session_check') === '1', timeoutMs: timeout * 1000 });
  } else session = await ctx.engine.acquire();

  ctx.runningQueries.add(q.queryId);
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let restore: (() => Promise<void>) | undefined;
  let spooled: string | undefined;
  try {
    const database = params.get('database') ?? undefined;
    // A named session stays at the level of its role's POST requests: the engine cannot raise
    // the level for one query and lower it again. A GET in a session that may write runs only
    // statements that read (checked on ClickHouse's rendering below).
    let readsOnly = false;
    if (sessionId) {
      const sessionLevel = requiredReadonly(role, false);
      readsOnly = stricter(level, sessionLevel) !== sessionLevel;
      restore = await session.applyScoped(settings, database);
      await session.restrict(sessionLevel);
    } else {
      await session.prepareStateless(settings, database);
      await session.restrict(level);
    }

    const canonical = await session.canonical(statement.kind === 'insert' ? statement.head.statement : statement.sql);
    if (carriesInlineData(canonical) !== (statement.kind === 'insert'))
      throw new HttpQueryError(ErrorCode.SYNTAX_ERROR, 'SYNTAX_ERROR', "Cannot tell where this INSERT's data begins: write INSERT INTO t [(columns)] [SETTINGS …] FORMAT <format> or VALUES, then the data", 400);
    checkStatement(role, canonical);
    const kind = statementKind(canonical);
    if (readsOnly && !READ_KINDS.has(kind)) throw readonlyError(role, isGet);
    // SET, USE or a temporary table in a request without a session must not leak to the next one.
    if (!sessionId && (kind === 'SET' || kind === 'USE' || /\bTEMPORARY\b/i.test(canonical))) session.tainted = true;
    const encoder = responseEncoder(req, params);
    if (encoder) headers['Content-Encoding'] = encoder.name;

    if (statement.kind === 'insert') {
      headers['X-ClickHouse-Format'] = defaultFormat;
      const file = await spool(statement.data(), ctx.spoolDir, limits.maxInsertBytes);
      spooled = file.path;
      q.busy(true);
      const sql = canonical.replace(/\bFORMAT\s+[A-Za-z][A-Za-z0-9_]*\s*$/i, SELECT_FROM_SPOOLED);
      const where = spooledParams(file.path, statement.head.format);
      await session.chdb.queryBindAsync(sql, { ...bound, ...where }, { format: 'TabSeparated', signal: abort.signal });
      const rows = await countRows(session, where);
      headers['X-ClickHouse-Summary'] = summaryHeader({ read_rows: rows, read_bytes: file.bytes, written_rows: rows, written_bytes: file.bytes }, q.started);
      q.busy(false);
      await respond(res, 200, { ...headers, 'Content-Type': contentTypeOf(defaultFormat) }, encoder, Buffer.alloc(0));
      return;
    }
    const format = outputFormatClause(canonical) ?? defaultFormat;
    headers['X-ClickHouse-Format'] = format;
    const hasParams = Object.keys(bound).length > 0;
    q.busy(true);
    if (isStreamableKind(kind) && isStreamableFormat(format) && params.get('wait_end_of_query') !== '1') {
      await streamResult(res, {
        session,
        sql: statement.sql.replace(/[\s;]+$/, ''),
        bound: hasParams ? bound : undefined,
        defaultFormat,
        format,
        headers,
        encoder,
        started: q.started,
        signal: abort.signal,
        version: ctx.engine.version,
        onStart: () => q.busy(false),
      });
      return;
    }
    const options = { format: defaultFormat, signal: abort.signal };
    const result = hasParams ? await session.chdb.queryBindAsync(statement.sql, bound, options) : await session.chdb.queryAsync(statement.sql, options);
    const bytes = result.bytes();
    const writes = kind === 'INSERT' ? { written_rows: result.rowsRead, written_bytes: result.bytesRead } : {};
    headers['X-ClickHouse-Summary'] = summaryHeader({ read_rows: result.rowsRead, read_bytes: result.bytesRead, result_bytes: bytes.byteLength, ...writes }, q.started);
    q.busy(false);
    await respond(res, 200, { ...headers, 'Content-Type': contentTypeOf(format) }, encoder, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw withReadonlyHint(error, role, isGet);
  } finally {
    ctx.runningQueries.delete(q.queryId);
    if (spooled) rmSync(spooled, { force: true });
    await restore?.();
    ctx.engine.release(session);
  }
}

export type { RequestStatement };
