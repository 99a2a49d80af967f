-- models/mart/g2_v2_dim_customers.sql
{{ config(materialized='table', schema='mart', order_by='user_id') }}

SELECT 
    user_id,
    total_orders,
    total_unique_products,
    total_items_purchased, 
    avg_basket_size,
    user_reorder_rate,
    avg_days_between_orders,
    -- GUIDE FIX: carried through because g2_v2_analytics_customer_churn reads it (the guide's dimension dropped it)
    max_days_between_orders,
    
    -- Behavioral segments
    order_frequency_segment,
    loyalty_segment,
    
    -- Shopping patterns
    weekend_preference_ratio,
    avg_order_hour,
    
    -- Customer value tiers
    CASE 
        WHEN total_items_purchased >= 500 THEN 'High Value'
        WHEN total_items_purchased >= 100 THEN 'Medium Value'
        WHEN total_items_purchased >= 20 THEN 'Low Value'  
        ELSE 'New Customer'
    END AS customer_value_tier,
    
    -- Churn risk assessment
    -- NOTE (guide): days_since_prior_order is capped at 30 in the source, so the "> 60" / "> 30" branches cannot fire
    CASE 
        WHEN max_days_between_orders > 60 AND total_orders < 5 THEN 'High Risk'
        WHEN max_days_between_orders > 30 AND user_reorder_rate < 0.3 THEN 'Medium Risk'
        WHEN user_reorder_rate > 0.6 AND total_orders > 10 THEN 'Low Risk'
        ELSE 'Moderate Risk'
    END AS churn_risk_segment,
    
    -- Engagement level
    CASE
        WHEN total_orders >= 20 AND avg_days_between_orders <= 14 THEN 'Highly Engaged'
        WHEN total_orders >= 10 AND avg_days_between_orders <= 21 THEN 'Engaged' 
        WHEN total_orders >= 5 AND avg_days_between_orders <= 30 THEN 'Moderately Engaged'
        ELSE 'Low Engagement'
    END AS engagement_level
    
FROM {{ ref('g2_v2_users_3nf') }}
