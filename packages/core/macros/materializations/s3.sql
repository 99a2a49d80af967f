{#- dbt-clickhouse's S3 source: `select * from {{ clickhouse_s3source('taxi_s3', path='/trips.gz') }}` is ClickHouse's
    s3(url, [key, secret,] format[, structure][, compression][, extra_credentials(...)]) table function. Each argument
    not given comes from the S3 config named `config_name` (which must end in 's3'): the project var of that name,
    overridden key by key by the model's config of that name (adapter.s3source_clause, render/s3-source.ts). -#}
{% macro clickhouse_s3source(config_name='', bucket='', path='', fmt='', structure='',
    aws_access_key_id='', aws_secret_access_key='', role_arn='', compression='', external_id='') %}
  {%- if config_name and not config_name.lower().endswith('s3') -%}
    {{ exceptions.raise_compiler_error("S3 configuration should end with 's3'") }}
  {%- endif -%}
  {%- set s3config = {} -%}
  {%- if config_name -%}
    {%- do s3config.update(var(config_name, {}) or {}) -%}
    {%- do s3config.update(config.get(config_name, {}) or {}) -%}
  {%- endif -%}
  {{ adapter.s3source_clause(
    config_name=config_name,
    s3_model_config=s3config,
    bucket=bucket,
    path=path,
    fmt=fmt,
    structure=structure,
    aws_access_key_id=aws_access_key_id,
    aws_secret_access_key=aws_secret_access_key,
    role_arn=role_arn,
    compression=compression,
    external_id=external_id) }}
{%- endmacro %}
