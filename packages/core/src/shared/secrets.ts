/**
 * dbt's secret environment variables: the value of every `DBT_ENV_SECRET_*` variable (and of a
 * `--vars` key with that prefix) is replaced by `*****` wherever tsdbt writes or prints text —
 * console lines (text and JSON), error messages, target/compiled, manifest.json, run_results.json,
 * catalog.json — as dbt-core scrubs its logs, exceptions and artifacts. As in dbt, env_var() may
 * read them only in profiles.yml (and packages.yml); anywhere else is an error (see dbt-context).
 */
export const SECRET_ENV_PREFIX = 'DBT_ENV_SECRET_';
export const SECRET_MASK = '*****';

/** The secret values of `env` (and of `vars` keys with the prefix), longest first, blanks left out. */
export function secretValues(env: NodeJS.ProcessEnv = process.env, vars: Readonly<Record<string, unknown>> = {}): string[] {
  const values = [
    ...Object.entries(env).filter(([k]) => k.startsWith(SECRET_ENV_PREFIX)).map(([, v]) => v),
    ...Object.entries(vars).filter(([k]) => k.startsWith(SECRET_ENV_PREFIX)).map(([, v]) => (v === null || v === undefined ? '' : String(v))),
  ];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))].sort((a, b) => b.length - a.length);
}

/** `text` with every secret value replaced by `*****`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SECRET_MASK);
  return out;
}

/** JSON.stringify replacer that scrubs every string (keys stay: they are names, not values). */
export function scrubbingReplacer(secrets: readonly string[]): ((key: string, value: unknown) => unknown) | undefined {
  if (secrets.length === 0) return undefined;
  return (_key, value) => (typeof value === 'string' ? scrubSecrets(value, secrets) : value);
}
