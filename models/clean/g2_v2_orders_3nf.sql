-- models/clean/g2_v2_orders_3nf.sql
-- settings: written once per build; no background merges of its insert parts (they would rewrite all 3.4M rows)
{{ config(materialized='table', schema='clean', order_by='order_id',
          settings={'max_bytes_to_merge_at_max_space_in_pool': 1, 'max_bytes_to_merge_at_min_space_in_pool': 1}) }}

SELECT 
    CAST(order_id AS UInt32) AS order_id,
    CAST(user_id AS UInt32) AS user_id,  
    CAST(order_number AS UInt16) AS order_number,
    CAST(order_dow AS UInt8) AS order_dow,
    CAST(order_hour_of_day AS UInt8) AS order_hour_of_day,
    
    -- GUIDE FIX: keep NULL on first orders (the guide's 0 pulled every user's average gap down and labelled 206K first orders 'Same Day')
    CAST(days_since_prior_order AS Nullable(UInt16)) AS days_since_prior_order,
    
    -- Derived time segments for analysis
    CASE 
        WHEN order_hour_of_day BETWEEN 6 AND 11 THEN 'Morning'
        WHEN order_hour_of_day BETWEEN 12 AND 17 THEN 'Afternoon'  
        WHEN order_hour_of_day BETWEEN 18 AND 22 THEN 'Evening'
        ELSE 'Night'
    END AS time_segment,
    
    CASE 
        WHEN order_dow IN (0, 6) THEN 'Weekend'
        ELSE 'Weekday'  
    END AS day_type
    
FROM {{ source('raw', 'raw___insta_orders') }}
WHERE order_id IS NOT NULL AND user_id IS NOT NULL
