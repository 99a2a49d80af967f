-- models/clean/g2_v2_order_products_3nf.sql
{{ config(materialized='table', schema='clean', order_by='(order_id, product_id)') }}

-- Union train and prior datasets with source tracking
WITH combined_order_products AS (
    SELECT 
        CAST(order_id AS UInt32) AS order_id,
        CAST(product_id AS UInt32) AS product_id, 
        CAST(add_to_cart_order AS UInt8) AS add_to_cart_order,
        CAST(reordered AS UInt8) AS reordered,
        'train' AS dataset_source
    FROM {{ source('raw', 'raw___insta_order_products_train') }}
    
    UNION ALL
    
    SELECT 
        CAST(order_id AS UInt32) AS order_id,
        CAST(product_id AS UInt32) AS product_id,
        CAST(add_to_cart_order AS UInt8) AS add_to_cart_order, 
        CAST(reordered AS UInt8) AS reordered,
        'prior' AS dataset_source
    FROM {{ source('raw', 'raw___insta_order_products_prior') }}
)

SELECT 
    order_id,
    product_id, 
    dataset_source,
    add_to_cart_order,
    reordered,
    
    -- Business logic flags
    CASE WHEN add_to_cart_order = 1 THEN 1 ELSE 0 END AS is_first_item,
    CASE WHEN reordered = 1 THEN 1 ELSE 0 END AS is_reorder,
    
    -- Composite primary key components
    ROW_NUMBER() OVER (
        PARTITION BY order_id, product_id, dataset_source 
        ORDER BY add_to_cart_order
    ) as row_num

FROM combined_order_products
WHERE order_id IS NOT NULL AND product_id IS NOT NULL
