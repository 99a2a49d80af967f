-- models/clean/g2_v2_departments_3nf.sql
{{ config(materialized='table', schema='clean', order_by='department_id') }}

SELECT 
    CAST(department_id AS UInt32) AS department_id,
    TRIM(department) AS department_name,
    
    -- Data quality flags
    CASE 
        WHEN TRIM(department) IS NULL OR TRIM(department) = '' THEN 1
        ELSE 0 
    END AS has_missing_name
    
FROM {{ source('raw', 'raw___insta_departments') }}
WHERE department_id IS NOT NULL
