-- Guide phase 7, step 26, test 2: order numbers should be sequential for each customer.
-- GUIDE FIX: ClickHouse's LAG returns the type's default (0), not NULL, on a partition's first row, so
-- `prev_order_number IS NOT NULL` never filtered anything; lag over a Nullable column returns NULL there.
WITH order_gaps AS (
    SELECT 
        user_id,
        order_number,
        LAG(toNullable(order_number)) OVER (PARTITION BY user_id ORDER BY order_number) AS prev_order_number,
        order_number - LAG(toNullable(order_number)) OVER (PARTITION BY user_id ORDER BY order_number) AS gap
    FROM {{ ref('g2_v2_orders_3nf') }}
)
SELECT user_id, order_number, prev_order_number, gap
FROM order_gaps  
WHERE gap > 1 AND prev_order_number IS NOT NULL
