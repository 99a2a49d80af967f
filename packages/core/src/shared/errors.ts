import { scrubSecrets, secretValues } from './secrets.js';

/** Where in the user's project something went wrong. */
export interface SourceLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Every error tsdbt raises on purpose. `code` is stable (for tools and tests);
 * `hint` tells the user what to do. The CLI prints these without a stack trace.
 */
export class TsdbtError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;
  /**
   * For an error inside a macro: who called it, innermost first (`macro dbt_utils.star
   * (dbt_packages/dbt_utils/macros/sql/star.sql:12)`, …, `model 'orders' (models/orders.sql:3)`).
   */
  readonly callChain?: readonly string[];

  constructor(
    code: string,
    message: string,
    options: SourceLocation & { hint?: string; cause?: unknown; callChain?: readonly string[] } = {},
  ) {
    // As dbt's exceptions: a DBT_ENV_SECRET_* value never reaches an error message.
    const secrets = secretValues();
    super(scrubSecrets(message, secrets), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint === undefined ? undefined : scrubSecrets(options.hint, secrets);
    if (options.callChain?.length) this.callChain = options.callChain;
  }

  /** `file:line:col` or '' when the error has no location. */
  get location(): string {
    if (!this.file) return '';
    return [this.file, this.line, this.column].filter((p) => p !== undefined).join(':');
  }
}

/** The project on disk is wrong: YAML, Jinja, refs, config. Exit code 2. */
export class ProjectError extends TsdbtError {}

/** A selector, flag or argument is wrong. Exit code 2. */
export class UsageError extends TsdbtError {}

/** The warehouse refused or failed a statement. */
export class DatabaseError extends TsdbtError {}

/** The warehouse cannot be reached or refuses our credentials. */
export class ConnectionError extends TsdbtError {}

/** True when an error is a user-facing project/usage problem (exit 2). */
export function isProjectLevelError(error: unknown): boolean {
  return error instanceof ProjectError || error instanceof UsageError || error instanceof ConnectionError;
}
