-- Reference: the guide's g2_v2_fact_orders_star, minimally fixed (see models/GUIDE_FIXES.md).
-- The model in models/mart/ is a ClickHouse-native rewrite that must return the same rows.
{{ config(materialized='table', schema='mart') }}

WITH order_aggregates AS (
    SELECT 
        op.order_id AS order_id,
        -- GUIDE FIX: `product_id` alone is ambiguous (op.product_id / p.product_id); qualified
        COUNT(DISTINCT op.product_id) AS basket_size,
        SUM(op.reordered) AS total_reorders,
        COUNT(*) AS total_items,
        AVG(op.add_to_cart_order) AS avg_cart_position,
        MAX(op.add_to_cart_order) AS max_cart_position,
        
        -- Product mix analytics  
        COUNT(DISTINCT CASE WHEN p.is_organic = 1 THEN op.product_id END) AS organic_items,
        COUNT(DISTINCT CASE WHEN p.product_category = 'Fresh' THEN op.product_id END) AS fresh_items,
        COUNT(DISTINCT p.department_name) AS unique_departments,
        COUNT(DISTINCT p.aisle_name) AS unique_aisles
        
    FROM {{ ref('g2_v2_order_products_3nf') }} op
    JOIN {{ ref('g2_v2_dim_products_star') }} p ON op.product_id = p.product_id
    GROUP BY op.order_id
)

-- GUIDE FIX: every qualified column gets an explicit alias
SELECT 
    -- Dimension foreign keys
    o.order_id AS order_id,
    o.user_id AS user_id,
    
    -- Order attributes
    o.order_number AS order_number, 
    o.days_since_prior_order AS days_since_prior_order,
    
    -- Aggregated facts from order products
    oa.basket_size AS basket_size,
    oa.total_reorders AS total_reorders,  
    oa.total_items AS total_items,
    oa.avg_cart_position AS avg_cart_position,
    oa.organic_items AS organic_items,
    oa.fresh_items AS fresh_items,
    oa.unique_departments AS unique_departments,
    oa.unique_aisles AS unique_aisles,
    
    -- Calculated measures
    CASE 
        WHEN oa.total_items > 0 THEN oa.total_reorders / oa.total_items 
        ELSE 0 
    END AS order_reorder_rate,
    
    CASE 
        WHEN oa.total_items > 0 THEN oa.organic_items / oa.total_items
        ELSE 0  
    END AS organic_item_ratio,
    
    -- Business flags
    CASE WHEN oa.basket_size >= 20 THEN 1 ELSE 0 END AS is_large_basket,
    CASE WHEN oa.total_reorders >= oa.total_items * 0.7 THEN 1 ELSE 0 END AS is_reorder_heavy,
    
    -- Context from dimensions (avoid joins in analysis)
    c.loyalty_segment AS loyalty_segment,
    c.customer_value_tier AS customer_value_tier,  
    c.churn_risk_segment AS churn_risk_segment,
    t.day_type AS day_type,
    t.time_segment AS time_segment

FROM {{ ref('g2_v2_orders_3nf') }} o
JOIN order_aggregates oa ON o.order_id = oa.order_id
JOIN {{ ref('g2_v2_dim_customers') }} c ON o.user_id = c.user_id
JOIN {{ ref('g2_v2_dim_time_star') }} t ON o.order_id = t.order_id
