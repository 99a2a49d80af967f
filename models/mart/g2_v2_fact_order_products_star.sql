-- models/mart/g2_v2_fact_order_products_star.sql
-- PERFORMANCE REWRITE of the guide's model (reference: test/reference/guide_sql/g2_v2_fact_order_products_star.sql, same rows):
-- the per-order context (order, customer, time) is joined once on 3.4M orders instead of once per line on 33.8M lines,
-- the 33.8M lines then probe two hash tables (3.4M orders, 50K products).
-- The string attributes travel through the joins as small integer codes (their index in the list of the dimension's
-- distinct labels) and are turned back into the same strings per line with an array lookup: a hash join copies its
-- right-hand string columns row by row, which cost more than the join itself (one 33.8M-line build: 9.4 s CPU instead
-- of 11.4 s for the select). (LowCardinality labels carried through the joins were tried: 2x slower to build.)
-- The decoded labels are stored as LowCardinality(String) (same values; the 3NF columns stay String): the table's
-- 6.6 GB of label strings (uncompressed) became 1.5 GB, so compressing and writing it costs less (build 15.6 -> 13.5 s
-- CPU at scale 1) and every scan of a label (the accepted_values tests: 2.8 -> 1.0 s CPU) reads one byte per line.
-- The codes of one side travel packed in one UInt64 (the order's 6 label codes 8 bits each, the product's 3 codes 20
-- bits each): one column to copy per matched line instead of 6 and 3. Each side's packed codes become LowCardinality
-- once per line, and every label is then decoded from it (labels[bitAnd(bitShiftRight(codes, k), mask)]): functions of a
-- LowCardinality argument run on its few distinct values and keep its indexes, so no line hashes or copies a string
-- (the former toLowCardinality(labels[code]) hashed 9 strings per line). Select at scale 1, under load: 21.2 -> 13.1 s
-- CPU; same rows and types. codes_fit stops the build should a dimension ever hold more labels than its bits can number.
-- query_settings: keep the written join order (the join-order optimizer builds the hash table on the wrong side: 2-3x slower);
-- two insert threads compress and write the 33.8M rows (wall 12.8 s -> 8.7 s at scale 1, same CPU).
-- settings: the 33.8M-row table is written once per build; background merges of its ~34 insert parts would rewrite
-- every row again (about 20 s CPU, as much as building it) for no benefit to the full scans downstream.
{{ config(materialized='table', schema='mart', order_by='(order_id, product_id)',
          query_settings={'query_plan_optimize_join_order_limit': 0, 'query_plan_join_swap_table': 'false', 'max_insert_threads': 2},
          settings={'max_bytes_to_merge_at_max_space_in_pool': 1, 'max_bytes_to_merge_at_min_space_in_pool': 1}) }}

WITH
    -- distinct labels of each string attribute (code = 1-based position, decoded with labels[code])
    (SELECT groupUniqArray(loyalty_segment) FROM {{ ref('g2_v2_dim_customers') }}) AS loyalty_labels,
    (SELECT groupUniqArray(customer_value_tier) FROM {{ ref('g2_v2_dim_customers') }}) AS value_tier_labels,
    (SELECT groupUniqArray(churn_risk_segment) FROM {{ ref('g2_v2_dim_customers') }}) AS churn_risk_labels,
    (SELECT groupUniqArray(day_type) FROM {{ ref('g2_v2_dim_time_star') }}) AS day_type_labels,
    (SELECT groupUniqArray(time_segment) FROM {{ ref('g2_v2_dim_time_star') }}) AS time_segment_labels,
    (SELECT groupUniqArray(purchase_recency) FROM {{ ref('g2_v2_dim_time_star') }}) AS purchase_recency_labels,
    (SELECT groupUniqArray(department_name) FROM {{ ref('g2_v2_dim_products_star') }}) AS department_labels,
    (SELECT groupUniqArray(aisle_name) FROM {{ ref('g2_v2_dim_products_star') }}) AS aisle_labels,
    (SELECT groupUniqArray(product_category) FROM {{ ref('g2_v2_dim_products_star') }}) AS product_category_labels,
    throwIf(greatest(length(loyalty_labels), length(value_tier_labels), length(churn_risk_labels), length(day_type_labels),
                     length(time_segment_labels), length(purchase_recency_labels)) > 255
            OR greatest(length(department_labels), length(aisle_labels), length(product_category_labels)) > 1048575,
            'g2_v2_fact_order_products_star: more distinct labels than the packed codes can hold') AS codes_fit,

order_context AS (
    SELECT
        o.order_id AS order_id,
        o.user_id AS user_id,
        o.order_number AS order_number,
        o.days_since_prior_order AS days_since_prior_order,
        -- the 6 label codes, 8 bits each
        indexOf(loyalty_labels, c.loyalty_segment) + codes_fit
          + bitShiftLeft(indexOf(value_tier_labels, c.customer_value_tier), 8)
          + bitShiftLeft(indexOf(churn_risk_labels, c.churn_risk_segment), 16)
          + bitShiftLeft(indexOf(day_type_labels, t.day_type), 24)
          + bitShiftLeft(indexOf(time_segment_labels, t.time_segment), 32)
          + bitShiftLeft(indexOf(purchase_recency_labels, t.purchase_recency), 40) AS label_codes
    FROM {{ ref('g2_v2_orders_3nf') }} o
    JOIN {{ ref('g2_v2_dim_customers') }} c ON o.user_id = c.user_id
    JOIN {{ ref('g2_v2_dim_time_star') }} t ON o.order_id = t.order_id
),

product_context AS (
    SELECT
        product_id,
        -- the 3 label codes, 20 bits each
        indexOf(department_labels, department_name) + codes_fit
          + bitShiftLeft(indexOf(aisle_labels, aisle_name), 20)
          + bitShiftLeft(indexOf(product_category_labels, product_category), 40) AS label_codes,
        is_organic
    FROM {{ ref('g2_v2_dim_products_star') }}
)

SELECT 
    -- Dimension foreign keys
    op.order_id AS order_id,
    op.product_id AS product_id, 
    oc.user_id AS user_id,
    
    -- Degenerate dimensions (attributes stored in fact)
    op.dataset_source AS dataset_source,
    op.add_to_cart_order AS add_to_cart_order,
    
    -- Facts (measures)
    op.reordered AS reordered,
    op.is_first_item AS is_first_item,
    op.is_reorder AS is_reorder,
    
    -- Derived measures for analysis
    1 AS quantity_ordered,  -- Each row = 1 product ordered
    
    -- Order context measures
    oc.order_number AS order_number,
    oc.days_since_prior_order AS days_since_prior_order,
    
    -- Product context (for fast filtering without joins)
    department_labels[bitAnd(toLowCardinality(p.label_codes), 1048575)] AS department_name,
    aisle_labels[bitAnd(bitShiftRight(toLowCardinality(p.label_codes), 20), 1048575)] AS aisle_name,
    product_category_labels[bitShiftRight(toLowCardinality(p.label_codes), 40)] AS product_category,
    p.is_organic AS is_organic,
    
    -- Customer context (for segmentation analysis)
    loyalty_labels[bitAnd(toLowCardinality(oc.label_codes), 255)] AS loyalty_segment,
    value_tier_labels[bitAnd(bitShiftRight(toLowCardinality(oc.label_codes), 8), 255)] AS customer_value_tier,
    churn_risk_labels[bitAnd(bitShiftRight(toLowCardinality(oc.label_codes), 16), 255)] AS churn_risk_segment,
    
    -- Time context (for temporal analysis)  
    day_type_labels[bitAnd(bitShiftRight(toLowCardinality(oc.label_codes), 24), 255)] AS day_type,
    time_segment_labels[bitAnd(bitShiftRight(toLowCardinality(oc.label_codes), 32), 255)] AS time_segment,
    purchase_recency_labels[bitShiftRight(toLowCardinality(oc.label_codes), 40)] AS purchase_recency

FROM {{ ref('g2_v2_order_products_3nf') }} op
JOIN order_context oc ON op.order_id = oc.order_id
JOIN product_context p ON op.product_id = p.product_id
