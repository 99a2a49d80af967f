-- Reference: the guide's g2_v2_fact_order_products_star, minimally fixed (see models/GUIDE_FIXES.md).
-- The model in models/mart/ is a ClickHouse-native rewrite that must return the same rows.
{{ config(materialized='table', schema='mart') }}

-- GUIDE FIX: every qualified column gets an explicit alias (clashing join columns would be named `op.order_id`, `t.day_type`, ...)
SELECT 
    -- Dimension foreign keys
    op.order_id AS order_id,
    op.product_id AS product_id, 
    o.user_id AS user_id,
    
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
    o.order_number AS order_number,
    o.days_since_prior_order AS days_since_prior_order,
    
    -- Product context (for fast filtering without joins)
    p.department_name AS department_name,
    p.aisle_name AS aisle_name,
    p.product_category AS product_category,
    p.is_organic AS is_organic,
    
    -- Customer context (for segmentation analysis)
    c.loyalty_segment AS loyalty_segment,
    c.customer_value_tier AS customer_value_tier,
    c.churn_risk_segment AS churn_risk_segment,
    
    -- Time context (for temporal analysis)  
    t.day_type AS day_type,
    t.time_segment AS time_segment,
    t.purchase_recency AS purchase_recency

FROM {{ ref('g2_v2_order_products_3nf') }} op
JOIN {{ ref('g2_v2_orders_3nf') }} o ON op.order_id = o.order_id
JOIN {{ ref('g2_v2_dim_products_star') }} p ON op.product_id = p.product_id  
JOIN {{ ref('g2_v2_dim_customers') }} c ON o.user_id = c.user_id
JOIN {{ ref('g2_v2_dim_time_star') }} t ON op.order_id = t.order_id
