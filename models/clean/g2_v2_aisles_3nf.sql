-- models/clean/g2_v2_aisles_3nf.sql  
-- GUIDE FIX: join_use_nulls = 1, else ClickHouse fills LEFT JOIN misses with 0 and `d.department_id IS NULL` never fires
{{ config(materialized='table', schema='clean', order_by='aisle_id', query_settings={'join_use_nulls': 1}) }}

SELECT 
    CAST(a.aisle_id AS UInt32) AS aisle_id,
    TRIM(a.aisle) AS aisle_name,
    -- GUIDE FIX: the real aisles.csv has no department_id; it comes from products (each aisle sits in one department); NULL if the aisle has no product
    CAST(ad.department_id AS Nullable(UInt32)) AS department_id,
    
    -- Data quality flags
    CASE 
        WHEN TRIM(a.aisle) IS NULL OR TRIM(a.aisle) = '' THEN 1
        ELSE 0 
    END AS has_missing_name,
    
    -- Referential integrity check
    CASE 
        WHEN d.department_id IS NULL THEN 1
        ELSE 0
    END AS has_invalid_department_fk
    
FROM {{ source('raw', 'raw___insta_aisles') }} a
-- GUIDE FIX: aisle -> department derived from products (min() keeps it deterministic should an aisle ever span departments)
LEFT JOIN (
    SELECT aisle_id, min(department_id) AS department_id
    FROM {{ source('raw', 'raw___insta_products') }}
    GROUP BY aisle_id
) ad ON a.aisle_id = ad.aisle_id
LEFT JOIN {{ source('raw', 'raw___insta_departments') }} d
    ON ad.department_id = d.department_id
WHERE a.aisle_id IS NOT NULL
