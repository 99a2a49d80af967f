-- Guide phase 7, step 26, test 3: product hierarchy consistency.
-- GUIDE FIX: `LEFT JOIN ... WHERE x IS NULL` never fires in ClickHouse (non-matches get default values unless
-- join_use_nulls = 1), so the anti-joins are NOT IN; dim_products' department_id is the aisle's department.
SELECT p.product_id AS product_id, p.product_name AS product_name
FROM {{ ref('g2_v2_dim_products_star') }} p
WHERE p.aisle_id NOT IN (SELECT aisle_id FROM {{ ref('g2_v2_aisles_3nf') }})
   OR p.department_id NOT IN (SELECT department_id FROM {{ ref('g2_v2_departments_3nf') }})
