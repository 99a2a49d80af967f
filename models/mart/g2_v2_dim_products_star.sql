-- models/mart/g2_v2_dim_products_star.sql
{{ config(materialized='table', schema='mart', order_by='product_id') }}

-- GUIDE FIX: every qualified column gets an explicit alias (ClickHouse would otherwise name clashing join columns like `d.department_id`)
SELECT 
    p.product_id AS product_id,
    p.product_name AS product_name,
    p.is_organic AS is_organic,
    p.is_gluten_free AS is_gluten_free,
    
    -- Aisle information (denormalized)
    a.aisle_id AS aisle_id,
    a.aisle_name AS aisle_name,
    
    -- Department information (denormalized)  
    d.department_id AS department_id,
    d.department_name AS department_name,
    
    -- Product hierarchy path for drill-down analysis
    CONCAT(d.department_name, ' > ', a.aisle_name, ' > ', p.product_name) AS product_hierarchy,
    
    -- Business categorization
    CASE 
        WHEN d.department_name IN ('produce', 'meat seafood', 'dairy eggs') THEN 'Fresh'
        WHEN d.department_name IN ('frozen', 'canned goods', 'dry goods pasta') THEN 'Packaged' 
        WHEN d.department_name IN ('beverages', 'snacks') THEN 'Consumables'
        ELSE 'Other'
    END AS product_category,
    
    -- Analytics flags
    CASE WHEN p.is_organic = 1 THEN 'Organic' ELSE 'Conventional' END AS organic_label,
    CASE WHEN p.is_gluten_free = 1 THEN 'Gluten-Free' ELSE 'Regular' END AS gluten_label
    
FROM {{ ref('g2_v2_products_3nf') }} p
JOIN {{ ref('g2_v2_aisles_3nf') }} a ON p.aisle_id = a.aisle_id  
JOIN {{ ref('g2_v2_departments_3nf') }} d ON a.department_id = d.department_id
