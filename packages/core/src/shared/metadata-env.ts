/** dbt's get_metadata_vars: `DBT_ENV_CUSTOM_ENV_<key>` variables as `{<key>: value}` — every artifact's `metadata.env`, and templates' `dbt_metadata_envs`. */
export function metadataEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const prefix = 'DBT_ENV_CUSTOM_ENV_';
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith(prefix) && v !== undefined).map(([k, v]) => [k.slice(prefix.length), v!]));
}
