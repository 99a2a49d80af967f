-- models/clean/g2_v2_products_3nf.sql
{{ config(materialized='table', schema='clean', order_by='product_id') }}

SELECT 
    CAST(product_id AS UInt32) AS product_id,
    TRIM(product_name) AS product_name,
    
    -- Direct FK to aisle only (3NF compliance)
    CAST(aisle_id AS UInt32) AS aisle_id,
    
    -- REMOVED: department_id (transitive dependency eliminated)
    -- Department is accessible via: product → aisle → department
    
    -- Derived attributes for business analysis
    CASE 
        WHEN LOWER(product_name) LIKE '%organic%' THEN 1 
        ELSE 0 
    END AS is_organic,
    
    CASE 
        WHEN LOWER(product_name) LIKE '%gluten%free%' OR 
             LOWER(product_name) LIKE '%gluten-free%' THEN 1 
        ELSE 0 
    END AS is_gluten_free,
    
    -- Data quality flags  
    CASE 
        WHEN TRIM(product_name) IS NULL OR TRIM(product_name) = '' THEN 1
        ELSE 0 
    END AS has_missing_name
    
FROM {{ source('raw', 'raw___insta_products') }}
WHERE product_id IS NOT NULL
