/** ClickHouse HTTP interface conventions: error text and status codes, parameters that are not settings. */

export const ErrorCode = {
  STD_EXCEPTION: 1001,
  UNKNOWN_FORMAT: 73,
  SYNTAX_ERROR: 62,
  READONLY: 164,
  QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING: 216,
  SESSION_NOT_FOUND: 372,
  SESSION_IS_LOCKED: 373,
  INVALID_SESSION_TIMEOUT: 374,
  AUTHENTICATION_FAILED: 516,
  REQUIRED_PASSWORD: 194,
  CANNOT_DECOMPRESS: 271,
  UNKNOWN_COMPRESSION_METHOD: 1002,
  NOT_IMPLEMENTED: 48,
  EMPTY_QUERY: 394,
  BAD_ARGUMENTS: 36,
  ACCESS_DENIED: 497,
  SETTING_CONSTRAINT_VIOLATION: 452,
  QUERY_IS_TOO_LARGE: 229,
  UNKNOWN_TYPE_OF_QUERY: 57,
} as const;

/** An error to answer with: ClickHouse's code, its name, and the message (without the `Code: N.` prefix). */
export class HttpQueryError extends Error {
  constructor(
    readonly code: number,
    readonly typeName: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

// BAD_ARGUMENTS, CANNOT_PARSE_* , DUPLICATE_COLUMN, ILLEGAL_COLUMN, THERE_IS_NO_COLUMN, TOO_DEEP/BIG_AST,
// UNEXPECTED_AST_STRUCTURE, SYNTAX_ERROR, INCORRECT_DATA, TYPE_MISMATCH, VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE…
const BAD_REQUEST = new Set([36, 427, 6, 25, 26, 38, 41, 72, 441, 676, 677, 27, 376, 15, 44, 8, 167, 168, 223, 62, 117, 53, 321]);
// UNKNOWN_TABLE, _FUNCTION, _IDENTIFIER, _TYPE, _STORAGE, _DATABASE, _SETTING, _DIRECTION_OF_SORTING,
// _AGGREGATE_FUNCTION, _FORMAT, _DATABASE_ENGINE, _TYPE_OF_QUERY, _ROLE.
const NOT_FOUND = new Set([60, 46, 47, 50, 56, 81, 115, 114, 63, 73, 336, 57, 511]);

/** ClickHouse's exceptionCodeToHTTPStatus (authentication failures answer 401, as for a missing password). */
export function httpStatusOf(code: number): number {
  if (code === ErrorCode.REQUIRED_PASSWORD || code === ErrorCode.AUTHENTICATION_FAILED) return 401;
  if (code === 192 || code === 193 || code === 497 || code === 512) return 403;
  if (BAD_REQUEST.has(code)) return 400;
  if (NOT_FOUND.has(code)) return 404;
  if (code === 202) return 503; // TOO_MANY_SIMULTANEOUS_QUERIES
  if (code === 159) return 408; // TIMEOUT_EXCEEDED
  if (code === 48) return 501; // NOT_IMPLEMENTED
  if (code === 209 || code === 76) return 503; // SOCKET_TIMEOUT, CANNOT_OPEN_FILE
  if (code === 415) return 415;
  return 500;
}

/**
 * `Code: N. DB::Exception: message. (TYPE) (version X)`, from a chDB error or any other one.
 * chDB sometimes nests the same exception (`Code: 73. DB::Exception: Code: 73. DB::Exception: …`).
 */
export function describeError(error: unknown, version: string): { code: number; text: string } {
  if (error instanceof HttpQueryError) return { code: error.code, text: `Code: ${error.code}. DB::Exception: ${error.message}. (${error.typeName}) (version ${version})` };
  const raw = error instanceof Error ? error.message : String(error);
  const m = /Code: (\d+)\. DB::Exception: /.exec(raw);
  if (!m) {
    const code = Number((error as { clickhouseCode?: number }).clickhouseCode) || ErrorCode.STD_EXCEPTION;
    return { code, text: `Code: ${code}. DB::Exception: ${raw.replace(/\.?\s*$/, '')}. (STD_EXCEPTION) (version ${version})` };
  }
  const code = Number(m[1]);
  let body = raw.slice(m.index).replace(/^(Code: \d+\. DB::Exception: )+/, (s) => s.slice(0, s.indexOf('DB::Exception: ') + 15));
  body = body.replace(/^(Code: \d+\. DB::Exception: )(Code: \d+\. DB::Exception: )+/, '$1');
  const cut = body.indexOf(' (version ');
  if (cut >= 0) body = body.slice(0, cut);
  body = body.trimEnd();
  if (!/\([A-Z_0-9]+\)$/.test(body)) body += ` (${code === ErrorCode.STD_EXCEPTION ? 'STD_EXCEPTION' : 'UNKNOWN'})`;
  return { code, text: `${body} (version ${version})` };
}

/** URL parameters the HTTP layer consumes itself; every other one is a ClickHouse setting. */
const NOT_SETTINGS = new Set([
  'query', 'database', 'default_format', 'query_id', 'session_id', 'session_timeout', 'session_check', 'user', 'password',
  'quota_key', 'buffer_size', 'wait_end_of_query', 'compress', 'decompress', 'role', 'stacktrace', 'enable_http_compression',
  'send_progress_in_http_headers', 'add_http_cors_header', 'http_zlib_compression_level', 'http_native_compression_disable_checksumming_on_decompress',
  'http_response_buffer_size', 'http_headers_progress_interval_ms', 'http_wait_end_of_query', 'http_write_exception_in_output_format',
  'http_response_headers', 'cancel_http_readonly_queries_on_client_close', 'http_max_field_value_size', 'http_max_field_name_size',
  'http_send_timeout', 'http_receive_timeout', 'http_max_request_param_data_size', 'http_connection_timeout',
]);

export function isSettingParam(name: string): boolean {
  return !NOT_SETTINGS.has(name) && !name.startsWith('param_') && !name.startsWith('http_') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** A setting value from the URL as a SQL literal for `SET`. */
export function settingLiteral(value: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true' ? '1' : '0';
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Query parameters travel TSV-escaped (`param_x=a\tb`); chDB's binder wants them plain and re-escapes. */
export function tsvUnescape(value: string): string | null {
  if (value === '\\N') return null;
  if (!value.includes('\\')) return value;
  const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', '\\': '\\', "'": "'" };
  return value.replace(/\\(.)/gs, (_s, c: string) => map[c] ?? c);
}

export interface Credentials {
  readonly user: string;
  readonly password: string;
  readonly given: boolean;
}

/** Credentials as ClickHouse reads them: X-ClickHouse-User/Key headers, basic auth, or user/password parameters. */
export function requestCredentials(headers: Record<string, string | string[] | undefined>, params: URLSearchParams): Credentials {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const headerUser = h('x-clickhouse-user');
  const headerKey = h('x-clickhouse-key');
  if (headerUser !== undefined || headerKey !== undefined) return { user: headerUser ?? 'default', password: headerKey ?? '', given: true };
  const auth = h('authorization');
  if (auth && /^basic\s+/i.test(auth)) {
    const decoded = Buffer.from(auth.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { user: decoded, password: '', given: true } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1), given: true };
  }
  if (params.has('user') || params.has('password')) return { user: params.get('user') ?? 'default', password: params.get('password') ?? '', given: true };
  return { user: 'default', password: '', given: false };
}
