-- Guide phase 7, step 26, test 4: fact table referential integrity.
-- GUIDE FIX: `LEFT JOIN ... WHERE p.product_id IS NULL` never fires in ClickHouse without join_use_nulls = 1
-- (non-matches get product_id 0); NOT IN is the anti-join.
SELECT f.order_id AS order_id, f.product_id AS product_id
FROM {{ ref('g2_v2_fact_order_products_star') }} f
WHERE f.product_id NOT IN (SELECT product_id FROM {{ ref('g2_v2_dim_products_star') }})
