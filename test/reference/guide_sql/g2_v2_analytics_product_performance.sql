-- Reference: the guide's g2_v2_analytics_product_performance, minimally fixed (see models/GUIDE_FIXES.md).
-- The model in models/mart/ is a ClickHouse-native rewrite that must return the same rows.
{{ config(materialized='table', schema='mart') }}

WITH product_stats AS (
    -- GUIDE FIX: every qualified column gets an explicit alias
    SELECT 
        p.product_id AS product_id,
        p.product_name AS product_name,
        p.department_name AS department_name,
        p.aisle_name AS aisle_name, 
        p.product_category AS product_category,
        p.is_organic AS is_organic,
        
        -- Volume metrics
        COUNT(DISTINCT f.order_id) AS total_orders_containing,
        COUNT(DISTINCT f.user_id) AS unique_customers,
        SUM(f.quantity_ordered) AS total_quantity_sold,
        
        -- Reorder analytics
        SUM(f.reordered) AS total_reorders,
        COUNT(*) AS total_purchases,
        SUM(f.reordered) / COUNT(*) AS reorder_rate,
        
        -- Cart behavior
        AVG(f.add_to_cart_order) AS avg_cart_position,
        SUM(f.is_first_item) AS times_first_in_cart,
        
        -- Customer penetration
        COUNT(DISTINCT f.user_id) / (SELECT COUNT(DISTINCT user_id) FROM {{ ref('g2_v2_dim_customers') }}) AS customer_penetration_rate
        
    FROM {{ ref('g2_v2_dim_products_star') }} p
    JOIN {{ ref('g2_v2_fact_order_products_star') }} f ON p.product_id = f.product_id
    GROUP BY p.product_id, p.product_name, p.department_name, p.aisle_name, p.product_category, p.is_organic
),

product_rankings AS (
    SELECT 
        *,
        -- Performance rankings within department
        -- GUIDE FIX: product_id breaks ties, else ROW_NUMBER is non-deterministic between runs
        ROW_NUMBER() OVER (PARTITION BY department_name ORDER BY total_quantity_sold DESC, product_id) AS dept_volume_rank,
        ROW_NUMBER() OVER (PARTITION BY department_name ORDER BY reorder_rate DESC, product_id) AS dept_reorder_rank,
        ROW_NUMBER() OVER (PARTITION BY department_name ORDER BY customer_penetration_rate DESC, product_id) AS dept_penetration_rank,
        
        -- Overall rankings
        ROW_NUMBER() OVER (ORDER BY total_quantity_sold DESC, product_id) AS overall_volume_rank,
        ROW_NUMBER() OVER (ORDER BY reorder_rate DESC, product_id) AS overall_reorder_rank,
        
        -- Performance scoring  
        CASE 
            WHEN reorder_rate >= 0.8 THEN 'Excellent'
            WHEN reorder_rate >= 0.6 THEN 'Good'
            WHEN reorder_rate >= 0.4 THEN 'Average' 
            WHEN reorder_rate >= 0.2 THEN 'Poor'
            ELSE 'Very Poor'
        END AS reorder_performance,
        
        CASE
            WHEN customer_penetration_rate >= 0.5 THEN 'High Penetration'
            WHEN customer_penetration_rate >= 0.2 THEN 'Medium Penetration'
            WHEN customer_penetration_rate >= 0.05 THEN 'Low Penetration'
            ELSE 'Very Low Penetration'  
        END AS penetration_level
        
    FROM product_stats
),

product_classification AS (
    SELECT 
        *,
        -- ABC Analysis based on volume
        CASE
            WHEN overall_volume_rank <= (SELECT COUNT(*) * 0.2 FROM product_rankings) THEN 'A - Top 20%'
            WHEN overall_volume_rank <= (SELECT COUNT(*) * 0.5 FROM product_rankings) THEN 'B - Middle 30%'  
            ELSE 'C - Bottom 50%'
        END AS abc_classification,
        
        -- Product lifecycle stage
        CASE
            WHEN reorder_rate >= 0.7 AND customer_penetration_rate >= 0.3 THEN 'Star Products'
            WHEN reorder_rate >= 0.5 AND customer_penetration_rate >= 0.15 THEN 'Cash Cows'
            WHEN reorder_rate < 0.3 AND customer_penetration_rate >= 0.2 THEN 'Question Marks'  
            WHEN reorder_rate < 0.4 AND customer_penetration_rate < 0.1 THEN 'Dogs'
            ELSE 'Developing'
        END AS product_lifecycle_stage,
        
        -- Strategic recommendations
        CASE
            WHEN reorder_rate >= 0.7 AND customer_penetration_rate >= 0.3 THEN 'Maintain quality, expand availability'
            WHEN reorder_rate >= 0.5 AND customer_penetration_rate >= 0.15 THEN 'Optimize pricing, cross-sell'
            WHEN reorder_rate < 0.3 AND customer_penetration_rate >= 0.2 THEN 'Improve product quality, gather feedback'
            WHEN reorder_rate < 0.4 AND customer_penetration_rate < 0.1 THEN 'Consider discontinuation'
            ELSE 'Monitor performance, targeted marketing'
        END AS strategic_recommendation
        
    FROM product_rankings
)

SELECT 
    product_id,
    product_name,
    department_name,
    aisle_name,
    product_category,
    is_organic,
    
    -- Performance metrics
    total_quantity_sold,
    unique_customers, 
    reorder_rate,
    customer_penetration_rate,
    avg_cart_position,
    
    -- Rankings
    overall_volume_rank,
    overall_reorder_rank,
    dept_volume_rank,
    dept_reorder_rank,
    
    -- Classifications
    abc_classification,
    product_lifecycle_stage,
    reorder_performance,
    penetration_level,
    strategic_recommendation,
    
    -- Financial potential (assuming unit contribution)
    total_quantity_sold * reorder_rate AS loyalty_value_score
    
FROM product_classification  
ORDER BY total_quantity_sold DESC
