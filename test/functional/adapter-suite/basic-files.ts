/*
 * The project files of dbt-tests-adapter's basic/ cases (dbt/tests/adapter/basic/files.py), written
 * from their semantics: a 10-row seed `base`, a 20-row seed `added` (base + 10), models reading
 * the seed through a source whose identifier is a var, snapshots over the seed.
 */
export const SEED_BASE = `id,name,some_date
1,Easton,1981-05-20T06:46:51
2,Lillian,1978-09-03T18:10:33
3,Jeremiah,1982-03-11T03:59:51
4,Nolan,1976-05-06T20:21:35
5,Hannah,1982-06-23T05:41:26
6,Eleanor,1991-08-10T23:12:21
7,Lily,1971-03-29T14:58:02
8,Jonathan,1988-02-26T02:55:24
9,Adrian,1994-02-09T13:14:23
10,Nora,1976-03-01T16:51:39
`;

export const SEED_ADDED = `${SEED_BASE}11,Mateo,2014-09-07T17:04:27
12,Julian,2000-02-04T11:48:30
13,Gabriel,2001-07-10T07:32:52
14,Isaac,2002-11-24T03:22:28
15,Levi,2009-11-15T11:57:15
16,Elizabeth,2005-04-09T03:50:11
17,Grayson,2019-08-06T19:28:17
18,Dylan,2014-03-01T11:50:41
19,Jayden,2009-06-06T07:12:49
20,Luke,2003-12-05T21:42:18
`;

export const SEED_NEW_COLUMNS = SEED_BASE.split('\n')
  .map((line, i) => (line === '' ? line : i === 0 ? `${line},last_initial` : `${line},${String.fromCharCode(64 + i)}`))
  .join('\n');

export const SCHEMA_BASE_YML = `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: seed
        identifier: "{{ var('seed_name', 'base') }}"
`;

export const notNullYml = (kind: 'models' | 'seeds', name: string) => `version: 2
${kind}:
  - name: ${name}
    columns:
     - name: id
       data_tests:
         - not_null
`;

export const MODEL_BASE = `select * from {{ source('raw', 'seed') }}\n`;
export const MODEL_EPHEMERAL = `select * from {{ ref('ephemeral') }}\n`;
export const MODEL_INCREMENTAL = `select * from {{ source('raw', 'seed') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}`;

export const configured = (materialized: string, body: string) => `  {{ config(materialized="${materialized}") }}\n${body}`;

export const TEST_PASSING = `select * from (\n    select 1 as id\n) as my_subquery\nwhere id = 2\n`;
export const TEST_FAILING = `select * from (\n    select 1 as id\n) as my_subquery\nwhere id = 1\n`;
export const TEST_EPHEMERAL_PASSING = `with my_other_cool_cte as (
    select id, name from {{ ref('ephemeral') }}
    where id > 1000
)
select name, id from my_other_cool_cte
`;
export const TEST_EPHEMERAL_FAILING = TEST_EPHEMERAL_PASSING.replace('id > 1000', 'id < 1000');
export const EPHEMERAL_WITH_CTE = `  {{ config(materialized="ephemeral") }}
with my_cool_cte as (
  select name, id from {{ ref('base') }}
)
select id, name from my_cool_cte where id is not null
`;

const snapshot = (name: string, config: string) => `{% snapshot ${name} %}
    {{ config(${config}, target_database=database, target_schema=schema) }}
    select * from {{ ref(var('seed_name', 'base')) }}
{% endsnapshot %}`;
export const CC_ALL_SNAPSHOT = snapshot('cc_all_snapshot', "check_cols='all', unique_key='id', strategy='check'");
export const CC_NAME_SNAPSHOT = snapshot('cc_name_snapshot', "check_cols=['name'], unique_key='id', strategy='check'");
export const CC_DATE_SNAPSHOT = snapshot('cc_date_snapshot', "check_cols=['some_date'], unique_key='id', strategy='check'");
export const TS_SNAPSHOT = snapshot('ts_snapshot', "strategy='timestamp', unique_key='id', updated_at='some_date'");
