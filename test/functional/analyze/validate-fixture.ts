/** Inline projects for the validate tests: a small shop, correct, and one file per class of defect. */

export const SOURCES_YML = `version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: orders
        columns:
          - name: order_id
            data_type: UInt32
          - name: user_id
            data_type: UInt32
          - name: eval_set
            data_type: String
          - name: amount
            data_type: Float64
          - name: ordered_at
            data_type: DateTime
      - name: users
        columns:
          - name: user_id
            data_type: UInt32
          - name: name
            data_type: String
`;

/** A correct project: staging views, a seed, an ephemeral model, a table, an incremental model, tests. */
export const CLEAN_PROJECT: Record<string, string> = {
  'sources.yml': SOURCES_YML,
  'seeds/countries.csv': 'code,name,population\nFR,France,68\nDE,Germany,84\n',
  'models/stg_orders.sql': "select order_id, user_id, eval_set, amount, ordered_at\nfrom {{ source('raw', 'orders') }}\n",
  'models/stg_users.sql': "select user_id, name from {{ source('raw', 'users') }}\n",
  'models/prior_orders.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }} where eval_set = 'prior'\n",
  'models/user_totals.sql': `{{ config(materialized='table', order_by='user_id') }}
select
    u.user_id,
    u.name as user_name,
    count() as orders,
    sum(p.amount) as revenue
from {{ ref('stg_users') }} as u
left join {{ ref('prior_orders') }} as p on p.user_id = u.user_id
group by u.user_id, u.name
`,
  'models/orders_incremental.sql': `{{ config(materialized='incremental', unique_key='order_id', order_by='order_id') }}
select order_id, user_id, amount, ordered_at
from {{ ref('stg_orders') }}
{% if is_incremental() %}
where ordered_at > (select max(ordered_at) from {{ this }})
{% endif %}
`,
  'models/schema.yml': `version: 2
models:
  - name: user_totals
    columns:
      - name: user_id
        tests: [not_null, unique]
`,
  'tests/no_negative_revenue.sql': "select * from {{ ref('user_totals') }} where revenue < 0\n",
};

/** One model (or test) per class of defect; `expected` says where each must be reported. */
export const DEFECTS_PROJECT: Record<string, string> = {
  'sources.yml': SOURCES_YML,
  'models/stg_orders.sql': "select order_id, user_id, eval_set, amount\nfrom {{ source('raw', 'orders') }}\n",
  'models/stg_users.sql': "select user_id, name from {{ source('raw', 'users') }}\n",
  'models/bad_unknown_column.sql': "select\n    order_id,\n    user_idd\nfrom {{ ref('stg_orders') }}\n",
  'macros/tables.sql': '{% macro orders_table() %}\n    raw.orderz\n{% endmacro %}\n',
  'models/bad_macro_table.sql': "{{ config(materialized='table') }}\nselect order_id\nfrom {{ orders_table() }}\n",
  'models/bad_union.sql': "select order_id as v from {{ ref('stg_orders') }}\nunion all\nselect name as v from {{ ref('stg_users') }}\n",
  'models/bad_join.sql': "{{ config(materialized='table') }}\nselect o.order_id\nfrom {{ ref('stg_orders') }} as o\njoin {{ ref('stg_users') }} as u\n    on o.user_id = u.name\n",
  'models/bad_compare.sql': "select order_id\nfrom {{ ref('stg_orders') }}\nwhere eval_set = 1\n",
  'models/bad_qualified.sql': "select\n    o.order_id,\n    o.user_id,\n    u.user_id\nfrom {{ ref('stg_orders') }} o\njoin {{ ref('stg_users') }} u on o.user_id = u.user_id\n",
  'models/bad_aggregate.sql': "select\n    user_id,\n    count() as orders\nfrom {{ ref('stg_orders') }}\n",
  'models/child_of_bad.sql': "select * from {{ ref('bad_unknown_column') }}\n",
  'tests/bad_singular.sql': "select *\nfrom {{ ref('stg_orders') }}\nwhere amount < 0 and amont > 1\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: order_id\n        tests:\n          - not_null\n      - name: user_iid\n        tests:\n          - not_null\n',
};
