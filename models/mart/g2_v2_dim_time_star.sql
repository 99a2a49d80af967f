-- models/mart/g2_v2_dim_time_star.sql
-- settings: written once per build; no background merges of its insert parts (they would rewrite all 3.4M rows)
{{ config(materialized='table', schema='mart', order_by='order_id',
          settings={'max_bytes_to_merge_at_max_space_in_pool': 1, 'max_bytes_to_merge_at_min_space_in_pool': 1}) }}

SELECT 
    order_id,
    order_dow,
    order_hour_of_day,
    days_since_prior_order,
    time_segment,
    day_type,
    
    -- Extended time attributes for analysis
    CASE order_dow
        WHEN 0 THEN 'Sunday'
        WHEN 1 THEN 'Monday' 
        WHEN 2 THEN 'Tuesday'
        WHEN 3 THEN 'Wednesday'
        WHEN 4 THEN 'Thursday'
        WHEN 5 THEN 'Friday'
        WHEN 6 THEN 'Saturday'
    END AS day_name,
    
    -- Purchase timing patterns
    CASE 
        -- GUIDE FIX: first orders have no prior order (NULL); the guide's 0 put them all under 'Same Day'
        WHEN days_since_prior_order IS NULL THEN 'First Order'
        WHEN days_since_prior_order = 0 THEN 'Same Day'
        WHEN days_since_prior_order <= 3 THEN 'Within 3 Days'
        WHEN days_since_prior_order <= 7 THEN 'Within Week'  
        WHEN days_since_prior_order <= 14 THEN 'Within 2 Weeks'
        WHEN days_since_prior_order <= 30 THEN 'Within Month'
        ELSE 'Over Month'
    END AS purchase_recency,
    
    -- Business day classification
    CASE 
        WHEN order_dow BETWEEN 1 AND 5 THEN 1 
        ELSE 0 
    END AS is_business_day,
    
    -- Peak shopping hours
    CASE
        WHEN order_hour_of_day BETWEEN 9 AND 11 THEN 1 
        ELSE 0 
    END AS is_morning_peak,
    
    CASE
        WHEN order_hour_of_day BETWEEN 15 AND 17 THEN 1
        ELSE 0  
    END AS is_afternoon_peak
    
FROM {{ ref('g2_v2_orders_3nf') }}
