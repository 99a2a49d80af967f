import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, HttpQueryError, type Credentials } from './protocol.js';

/**
 * Who may do what on tsdbt serve. The embedded engine runs every connection as ClickHouse's one
 * `default` user (chDB authenticates nobody), so ClickHouse's grants cannot tell clients apart;
 * what it does enforce per connection is the `readonly` setting, and that is the wall:
 *
 * - `admin`: the holding process's token (other tsdbt processes of this user, from the 0600
 *   endpoint file). Everything the process itself may do, like opening the directory directly.
 * - `writer`: a client with the target's credentials when the server allows writes. POST runs
 *   with readonly = 0: ClickHouse cannot withhold file/URL table functions from a writer in
 *   embedded mode, so writers are trusted with what the serving process can reach.
 * - `reader`: any other client. Every statement runs with readonly = 1, set after the client's own
 *   settings so that it cannot be lowered; ClickHouse then refuses writes, DDL, temporary tables,
 *   file/url/remote/s3/… table functions, file paths as table names and SYSTEM.
 *
 * What readonly = 1 leaves open in chDB (verified on 26.7): the scalar file() function, INTO
 * OUTFILE (written by chDB's client side), KILL QUERY, and eval(), which builds SQL at run time.
 * Those are refused here from ClickHouse's own rendering of the statement (formatQuery), to
 * readers and writers alike.
 */
export type Role = 'admin' | 'writer' | 'reader';

export interface AccessPolicy {
  readonly user: string;
  readonly password: string;
  /** The holding process's token. */
  readonly token: string;
  /** False: only the token is accepted (the endpoint every tsdbt process opens for the others). */
  readonly clients: boolean;
  readonly allowWrites: boolean;
}

/** String equality in time independent of where the strings differ or how long they are. */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function authFailed(user: string): HttpQueryError {
  return new HttpQueryError(ErrorCode.AUTHENTICATION_FAILED, 'AUTHENTICATION_FAILED', `${user}: Authentication failed: password is incorrect, or there is no user with such name`);
}

/** The role of a request's credentials, or a 401 error. Every comparison runs, whatever the outcome. */
export function authenticate(cred: Credentials, policy: AccessPolicy): Role {
  const admin = safeEqual(cred.password, policy.token) && cred.given;
  const user = safeEqual(cred.user, policy.user);
  const password = safeEqual(cred.password, policy.password);
  if (admin) return 'admin';
  if (!policy.clients) throw authFailed(cred.user);
  // No credentials at all: fine only for the password-less `default` user, as in ClickHouse.
  const ok = cred.given ? user && password : policy.user === 'default' && policy.password === '';
  if (!ok) throw authFailed(cred.user);
  return policy.allowWrites ? 'writer' : 'reader';
}

/** ClickHouse's readonly levels: 0 writes, 2 reads and settings, 1 reads only (the strictest). */
export type ReadonlyLevel = 0 | 1 | 2;
const STRICTNESS: Record<ReadonlyLevel, number> = { 0: 0, 2: 1, 1: 2 };

/** The level a request runs at: GET never writes (as in ClickHouse); clients other than admin read at level 1. */
export function requiredReadonly(role: Role, isGet: boolean): ReadonlyLevel {
  if (role === 'reader') return 1;
  if (role === 'writer') return isGet ? 1 : 0;
  return isGet ? 2 : 0;
}

/** The client's own `readonly` parameter may make a request stricter, never laxer (ClickHouse answers the same). */
export function effectiveReadonly(required: ReadonlyLevel, requested: string | undefined): ReadonlyLevel {
  if (requested === undefined) return required;
  const n = Number(requested);
  if (n !== 0 && n !== 1 && n !== 2) throw new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'BAD_ARGUMENTS', `Invalid value '${requested}' of setting readonly: use 0, 1 or 2`, 400);
  if (STRICTNESS[n] < STRICTNESS[required]) throw new HttpQueryError(ErrorCode.READONLY, 'READONLY', "Cannot modify 'readonly' setting in readonly mode");
  return n;
}

/** Stricter of two levels. */
export function stricter(a: ReadonlyLevel, b: ReadonlyLevel): ReadonlyLevel {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

/**
 * Settings a client other than admin may not set from the URL: ones that change how a statement
 * is parsed (the checks below read ClickHouse's parse), that run SQL built at run time, or that
 * name files chDB would read or write outside any data directory.
 */
const CLIENT_DENIED_SETTINGS = new Set([
  'dialect',
  'allow_experimental_eval_table_function',
  'implicit_table_at_top_level',
  'format_schema',
  'format_template_resultset',
  'format_template_row',
  'input_format_record_errors_file_path',
  'output_format_schema',
  'format_avro_schema_registry_url',
]);

export function checkSettings(role: Role, settings: ReadonlyMap<string, string>): void {
  if (role === 'admin') return;
  for (const name of settings.keys())
    if (CLIENT_DENIED_SETTINGS.has(name))
      throw new HttpQueryError(ErrorCode.SETTING_CONSTRAINT_VIOLATION, 'SETTING_CONSTRAINT_VIOLATION', `Setting ${name} cannot be changed by clients of tsdbt serve`, 403);
}

function denied(what: string): HttpQueryError {
  return new HttpQueryError(
    ErrorCode.ACCESS_DENIED,
    'ACCESS_DENIED',
    `${what} is refused to clients of tsdbt serve: the embedded engine would run it with the rights of the serving process`,
    403,
  );
}

/** `canonical` with the contents of its string literals blanked (formatQuery writes strings only as '…'). */
function withoutStrings(canonical: string): string {
  return canonical.replace(/'(?:[^'\\]|\\.)*'/gs, (s) => "'" + ' '.repeat(s.length - 2) + "'");
}

/**
 * Checks a statement as ClickHouse's own parser renders it (formatQuery: one statement, no
 * comments, heredocs and escapes normalized) before it runs for a client other than admin.
 */
export function checkStatement(role: Role, canonical: string): void {
  if (role === 'admin') return;
  const text = withoutStrings(canonical);
  const kind = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  if (kind === 'SYSTEM' || kind === 'KILL') throw denied(`${kind} ${/^\s*\w+\s+(\w+)/.exec(text)?.[1]?.toUpperCase() ?? ''}`.trim());
  if (/\bINTO\s+OUTFILE\b/i.test(text)) throw denied('INTO OUTFILE');
  if (/\bFROM\s+INFILE\b/i.test(text)) throw denied('FROM INFILE');
  if (/(^|[^\w$`.])`?file`?\s*\(/.test(text)) throw denied('The file() function');
}
