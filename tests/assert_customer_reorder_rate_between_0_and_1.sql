-- Guide phase 7, step 26, test 1: customer reorder rates should be between 0 and 1.
SELECT user_id, user_reorder_rate
FROM {{ ref('g2_v2_dim_customers') }}  
WHERE user_reorder_rate < 0 OR user_reorder_rate > 1
