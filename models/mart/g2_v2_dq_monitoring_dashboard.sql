-- models/mart/g2_v2_dq_monitoring_dashboard.sql
-- GUIDE FIX: join_use_nulls = 1, else ClickHouse fills LEFT JOIN misses with 0 and the FK check (`a.aisle_id IS NULL`) never fires
{{ config(materialized='table', schema='mart', order_by='check_name', query_settings={'join_use_nulls': 1}) }}

WITH data_quality_checks AS (
    -- Check 1: Record counts and completeness
    SELECT 
        'raw_data_completeness' AS check_category,
        'Products table completeness' AS check_name,
        COUNT(*) AS total_records,
        COUNT(CASE WHEN product_name IS NULL OR TRIM(product_name) = '' THEN 1 END) AS null_records,
        ROUND(100.0 * COUNT(CASE WHEN product_name IS NULL OR TRIM(product_name) = '' THEN 1 END) / COUNT(*), 2) AS null_percentage,
        CASE 
            WHEN COUNT(CASE WHEN product_name IS NULL OR TRIM(product_name) = '' THEN 1 END) = 0 THEN 'PASS'
            WHEN COUNT(CASE WHEN product_name IS NULL OR TRIM(product_name) = '' THEN 1 END) / COUNT(*) < 0.01 THEN 'WARNING'
            ELSE 'FAIL'
        END AS quality_status,
        CURRENT_TIMESTAMP() AS check_timestamp
    FROM {{ source('raw', 'raw___insta_products') }}
    
    UNION ALL
    
    -- Check 2: Referential integrity
    SELECT 
        'referential_integrity' AS check_category,
        'Products-Aisles FK integrity' AS check_name,
        COUNT(*) AS total_records,
        COUNT(CASE WHEN a.aisle_id IS NULL THEN 1 END) AS null_records,
        ROUND(100.0 * COUNT(CASE WHEN a.aisle_id IS NULL THEN 1 END) / COUNT(*), 2) AS null_percentage,
        CASE 
            WHEN COUNT(CASE WHEN a.aisle_id IS NULL THEN 1 END) = 0 THEN 'PASS'
            ELSE 'FAIL'
        END AS quality_status,
        CURRENT_TIMESTAMP() AS check_timestamp
    FROM {{ source('raw', 'raw___insta_products') }} p
    LEFT JOIN {{ source('raw', 'raw___insta_aisles') }} a ON p.aisle_id = a.aisle_id
    
    UNION ALL
    
    -- Check 3: Data freshness (order dates)
    SELECT 
        'data_freshness' AS check_category,
        'Order data recency' AS check_name,
        COUNT(*) AS total_records,
        COUNT(CASE WHEN days_since_prior_order > 365 THEN 1 END) AS null_records,
        ROUND(100.0 * COUNT(CASE WHEN days_since_prior_order > 365 THEN 1 END) / COUNT(*), 2) AS null_percentage,
        CASE 
            WHEN COUNT(CASE WHEN days_since_prior_order > 365 THEN 1 END) / COUNT(*) < 0.1 THEN 'PASS'
            WHEN COUNT(CASE WHEN days_since_prior_order > 365 THEN 1 END) / COUNT(*) < 0.3 THEN 'WARNING'
            ELSE 'FAIL'
        END AS quality_status,
        CURRENT_TIMESTAMP() AS check_timestamp
    -- NOTE (guide): the source caps days_since_prior_order at 30, so this check can only PASS
    FROM {{ source('raw', 'raw___insta_orders') }}
    WHERE days_since_prior_order IS NOT NULL
    
    UNION ALL
    
    -- Check 4: Business rule validation
    SELECT 
        'business_rules' AS check_category,
        'Valid reorder flag logic' AS check_name,
        COUNT(*) AS total_records,
        COUNT(CASE WHEN reordered NOT IN (0, 1) THEN 1 END) AS null_records,
        ROUND(100.0 * COUNT(CASE WHEN reordered NOT IN (0, 1) THEN 1 END) / COUNT(*), 2) AS null_percentage,
        CASE 
            WHEN COUNT(CASE WHEN reordered NOT IN (0, 1) THEN 1 END) = 0 THEN 'PASS'
            ELSE 'FAIL'
        END AS quality_status,
        CURRENT_TIMESTAMP() AS check_timestamp
    FROM (
        SELECT reordered FROM {{ source('raw', 'raw___insta_order_products_train') }}
        UNION ALL  
        SELECT reordered FROM {{ source('raw', 'raw___insta_order_products_prior') }}
    )
    
    UNION ALL
    
    -- Check 5: Duplicate detection
    SELECT 
        'duplicates' AS check_category,
        'Product ID uniqueness' AS check_name,
        COUNT(*) AS total_records,
        -- GUIDE FIX: UInt64 - UInt64 is Int64 in ClickHouse; the other branches are UInt64, so UNION ALL would build a Variant column
        toUInt64(COUNT(*) - COUNT(DISTINCT product_id)) AS null_records,
        ROUND(100.0 * (COUNT(*) - COUNT(DISTINCT product_id)) / COUNT(*), 2) AS null_percentage,
        CASE 
            WHEN COUNT(*) = COUNT(DISTINCT product_id) THEN 'PASS'
            ELSE 'FAIL'
        END AS quality_status,
        CURRENT_TIMESTAMP() AS check_timestamp
    FROM {{ source('raw', 'raw___insta_products') }}
)

SELECT 
    check_category,
    check_name,
    total_records,
    null_records AS issues_found,
    null_percentage AS issue_percentage,
    quality_status,
    check_timestamp,
    
    -- Alert priority
    CASE quality_status
        WHEN 'FAIL' THEN 1
        WHEN 'WARNING' THEN 2  
        WHEN 'PASS' THEN 3
    END AS priority,
    
    -- Recommended actions
    CASE 
        WHEN check_category = 'raw_data_completeness' AND quality_status = 'FAIL' THEN 'Investigate data source quality'
        WHEN check_category = 'referential_integrity' AND quality_status = 'FAIL' THEN 'Fix FK relationships'  
        WHEN check_category = 'data_freshness' AND quality_status = 'FAIL' THEN 'Update data pipeline schedule'
        WHEN check_category = 'business_rules' AND quality_status = 'FAIL' THEN 'Validate business logic'
        WHEN check_category = 'duplicates' AND quality_status = 'FAIL' THEN 'Remove duplicate records'
        ELSE 'Monitor trends'
    END AS recommended_action

FROM data_quality_checks  
ORDER BY priority ASC, total_records DESC
