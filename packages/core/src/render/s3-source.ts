import { bindArgs } from './call-args.js';
import { sqlString } from './placeholders.js';

/**
 * dbt-clickhouse's `adapter.s3source_clause` (behind the `clickhouse_s3source` macro): ClickHouse's
 * `s3(url[, key, secret], format[, structure][, compression][, extra_credentials(…)])` table
 * function from the macro's arguments, each falling back to the merged s3 config (the project var
 * named `config_name`, overridden by the model's config of that name).
 *
 * The text is dbt-clickhouse's, argument for argument, with two differences: values are quoted as
 * SQL strings (a `'` in a structure such as `Enum8('a' = 1)` broke dbt-clickhouse's SQL), and a
 * bucket written with `http://` keeps that scheme (MinIO and other local S3 endpoints; dbt-clickhouse
 * makes every url `https://`, turning `http://host/b/` into `https://http:/host/b/`).
 */
const PARAMS = ['config_name', 's3_model_config', 'bucket', 'path', 'fmt', 'structure', 'aws_access_key_id', 'aws_secret_access_key', 'role_arn', 'compression', 'external_id'] as const;

export function s3SourceClause(args: readonly unknown[]): string {
  const a = bindArgs(args, PARAMS);
  const config = isRecord(a.s3_model_config) ? a.s3_model_config : {};
  const pick = (name: string): unknown => (truthy(a[name]) ? a[name] : config[name]);
  const text = (name: string): string => (truthy(pick(name)) ? String(pick(name)) : '');

  let struct = '';
  const structure = pick('structure');
  if (truthy(structure)) {
    if (Array.isArray(structure)) struct = `, ${sqlString(structure.map(String).join(','))}`;
    else if (isRecord(structure)) struct = `, ${sqlString(Object.entries(structure).map(([name, type]) => `${name} ${String(type)}`).join(','))}`;
    else struct = `,${sqlString(String(structure))}`;
  }

  const bucket = text('bucket');
  let path = text('path');
  const scheme = bucket.startsWith('http://') ? 'http://' : 'https://';
  let url = bucket.replace(/^http:\/\//, '').replaceAll('https://', '');
  if (path) {
    if (bucket && !bucket.endsWith('/') && !bucket.startsWith('/')) path = `/${path}`;
    url = `${url}${path}`.replaceAll('//', '/');
  }
  url = `${scheme}${url}`;

  const key = text('aws_access_key_id');
  const secret = text('aws_secret_access_key');
  if (key && !secret) throw new S3ConfigError('S3 aws_access_key_id specified without aws_secret_access_key');
  if (secret && !key) throw new S3ConfigError('S3 aws_secret_access_key specified without aws_access_key_id');
  const access = key ? `, ${sqlString(key)}, ${sqlString(secret)}` : '';

  let comp = text('compression');
  if (comp) {
    if (!struct) struct = ", ''";
    comp = `, ${sqlString(comp)}`;
  }

  const roleArn = text('role_arn');
  const externalId = text('external_id');
  if (externalId && !roleArn) throw new S3ConfigError('S3 external_id specified without role_arn');
  const credentials = roleArn ? `, extra_credentials(role_arn=${sqlString(roleArn)}${externalId ? `, external_id=${sqlString(externalId)}` : ''})` : '';

  return `s3(${sqlString(url)}${access}, ${sqlString(text('fmt'))}${struct}${comp}${credentials})`;
}

/** dbt-clickhouse's DbtRuntimeError for an incomplete S3 credential pair. */
export class S3ConfigError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python truthiness of a macro argument: '', None, [], {} are "not given". */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return true;
}
