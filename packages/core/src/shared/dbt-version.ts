/**
 * The dbt-core version tsdbt declares itself compatible with: what `require-dbt-version` ranges
 * (of projects and packages) and the hub's `require_dbt_version` are checked against, and what
 * templates read as `dbt_version`. dbt 1.10: the packages tsdbt is tested with ask for
 * >=1.3 (dbt_utils), >=1.7,<2 (dbt_expectations) and >=1.10.5 (dbt_date).
 */
export const DBT_VERSION = '1.10.23';
