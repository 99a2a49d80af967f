-- models/mart/g2_v2_analytics_market_basket.sql
-- PERFORMANCE REWRITE of the guide's model (reference: test/reference/guide_sql/g2_v2_analytics_market_basket.sql, same rows).
-- The guide self-joins the 33.8M-line fact into ~240M (order, a, b) rows and hashes them into ~140M pair groups
-- (329 s, 12 GB). Here:
--   * each order becomes one sorted, duplicate-free array of its products (COUNT DISTINCT order_id == count());
--   * for every product a, the products b > a that share an order are collected into one array per a, sorted,
--     and run-length counted (no 140M-entry hash table; only pairs with >= 10 orders survive); the same GROUP BY a
--     counts the baskets holding a (total_orders_containing), so the baskets are read once and need no materialized
--     copy (reading the materialized copy ran single-threaded: 16 s wall instead of 9 s, 21 s CPU instead of 18 s);
--   * COUNT(DISTINCT user_id) is needed only for the 1000 returned pairs: only the fact lines of their products are
--     read, grouped per (order, user), and the returned pairs among each group's products counted (uniqExact of users),
--     instead of carrying a distinct-user state for every pair (or intersecting the (order, user) arrays of two
--     popular products per pair: 8 s at scale 1).
-- Materialized CTEs (enable_materialized_cte) are computed once though referenced several times.
-- max_bytes_before_external_group_by: the per-product GROUP BY's partial states past 300 MB are written to the
-- warehouse's temporary disk and merged from there — this model runs beside g2_v2_fact_orders_star and
-- g2_v2_analytics_product_performance, and with them made the scale-1 build's memory peak (alone, measured under load:
-- process peak 2.69 -> 2.12 GB, ~2 s more CPU, the same rows).
{{ config(materialized='table', schema='mart', order_by='(product_a_id, product_b_id)',
          query_settings={'enable_materialized_cte': 1, 'max_block_size': 8192,
                          'query_plan_optimize_join_order_limit': 0, 'query_plan_join_swap_table': 'false',
                          'max_bytes_before_external_group_by': 300000000}) }}

WITH baskets AS (
    SELECT order_id, arraySort(arrayDistinct(groupArray(product_id))) AS items
    FROM {{ ref('g2_v2_fact_order_products_star') }}
    GROUP BY order_id
),

product_pairs AS MATERIALIZED (
    -- per product a: the orders containing it (count of baskets holding a) and every b > a sharing an order with it,
    -- sorted; runs of equal b = orders with both (only pairs with >= 10 orders are kept: minimum support threshold)
    SELECT
        product_a_id,
        total_orders_containing,
        arrayFilter((b, n) -> n >= 10, distinct_b, run_lengths) AS frequent_b,
        arrayFilter(n -> n >= 10, run_lengths) AS frequent_b_orders
    FROM (
        SELECT
            a AS product_a_id,
            count() AS total_orders_containing,
            arraySort(groupArrayArray(bs)) AS s,
            -- run starts: s[i] != s[i - 1], with 0 before s[1] (every b > a >= 0, so b >= 1)
            arrayMap((x, p) -> x != p, s, arraySlice(arrayPushFront(s, 0), 1, length(s))) AS is_start,
            arrayFilter((x, f) -> f, s, is_start) AS distinct_b,
            arrayPopFront(arrayDifference(arrayPushBack(arrayFilter((i, f) -> f, arrayEnumerate(s), is_start), length(s) + 1))) AS run_lengths
        FROM (
            SELECT items[i] AS a, arraySlice(items, i + 1) AS bs
            FROM baskets
            ARRAY JOIN arrayEnumerate(items) AS i
        )
        GROUP BY a
    )
),

individual_product_stats AS (
    -- COUNT(DISTINCT order_id) per product = baskets (distinct products per order) containing it
    SELECT product_a_id AS product_id, total_orders_containing FROM product_pairs
),

product_combinations AS (
    SELECT product_a_id, product_b_id, toUInt64(run_length) AS orders_with_both
    FROM product_pairs
    ARRAY JOIN frequent_b AS product_b_id, frequent_b_orders AS run_length
),

market_basket_metrics AS (
    SELECT 
        pc.product_a_id AS product_a_id,
        pc.product_b_id AS product_b_id,
        pc.orders_with_both AS orders_with_both,
        pa.total_orders_containing AS product_a_total_orders,
        pb.total_orders_containing AS product_b_total_orders,
        
        -- Support: P(A and B)
        orders_with_both / (SELECT COUNT(DISTINCT order_id) FROM {{ ref('g2_v2_fact_order_products_star') }}) AS support,
        
        -- Confidence: P(B|A) = P(A and B) / P(A)  
        CASE 
            WHEN pa.total_orders_containing > 0 THEN 
                orders_with_both / pa.total_orders_containing 
            ELSE 0 
        END AS confidence_a_to_b,
        
        -- Confidence: P(A|B) = P(A and B) / P(B)
        CASE
            WHEN pb.total_orders_containing > 0 THEN  
                orders_with_both / pb.total_orders_containing
            ELSE 0
        END AS confidence_b_to_a,
        
        -- Lift: P(A and B) / (P(A) * P(B))  
        CASE
            WHEN pa.total_orders_containing > 0 AND pb.total_orders_containing > 0 THEN
                (orders_with_both / (SELECT COUNT(DISTINCT order_id) FROM {{ ref('g2_v2_fact_order_products_star') }})) / 
                ((pa.total_orders_containing / (SELECT COUNT(DISTINCT order_id) FROM {{ ref('g2_v2_fact_order_products_star') }})) * 
                 (pb.total_orders_containing / (SELECT COUNT(DISTINCT order_id) FROM {{ ref('g2_v2_fact_order_products_star') }})))
            ELSE 0
        END AS lift
        
    FROM product_combinations pc
    JOIN individual_product_stats pa ON pc.product_a_id = pa.product_id  
    JOIN individual_product_stats pb ON pc.product_b_id = pb.product_id
),

actionable_associations AS MATERIALIZED (
    SELECT 
        *,
        -- Association strength classification
        CASE
            WHEN lift >= 2.0 AND confidence_a_to_b >= 0.3 THEN 'Very Strong'
            WHEN lift >= 1.5 AND confidence_a_to_b >= 0.2 THEN 'Strong'  
            WHEN lift >= 1.2 AND confidence_a_to_b >= 0.1 THEN 'Moderate'
            WHEN lift >= 1.0 THEN 'Weak'
            ELSE 'No Association'  
        END AS association_strength,
        
        -- Cross-selling opportunity scoring
        CASE
            WHEN lift >= 1.5 AND confidence_a_to_b >= 0.2 AND orders_with_both >= 50 THEN 5  
            WHEN lift >= 1.3 AND confidence_a_to_b >= 0.15 AND orders_with_both >= 25 THEN 4
            WHEN lift >= 1.2 AND confidence_a_to_b >= 0.1 AND orders_with_both >= 15 THEN 3
            WHEN lift >= 1.1 AND orders_with_both >= 10 THEN 2
            ELSE 1
        END AS cross_sell_opportunity_score,
        
        -- Business recommendations
        CASE 
            WHEN lift >= 2.0 AND confidence_a_to_b >= 0.3 THEN 'Bundle products, place nearby in store'
            WHEN lift >= 1.5 AND confidence_a_to_b >= 0.2 THEN 'Recommend in shopping cart, targeted promotions'  
            WHEN lift >= 1.2 AND confidence_a_to_b >= 0.1 THEN 'Email recommendations, app suggestions'
            ELSE 'Monitor for seasonal patterns'
        END AS recommendation_strategy
        
    FROM market_basket_metrics
    WHERE lift >= 1.0  -- Only show positive associations
    -- product ids break ties in lift (deterministic LIMIT)
    ORDER BY cross_sell_opportunity_score DESC, lift DESC, product_a_id, product_b_id
    LIMIT 1000  -- Top associations for business action
),

pair_customers AS (
    -- customers buying both = distinct users of the orders holding a and b
    SELECT
        toUInt32(bitShiftRight(pair_key, 32)) AS product_a_id,
        toUInt32(bitAnd(pair_key, 4294967295)) AS product_b_id,
        uniqExact(user_id) AS customers_buying_both
    FROM (
        -- per (order, user): its sorted products among those of the returned pairs
        SELECT f.user_id AS user_id, arraySort(groupArray(f.product_id)) AS ps
        FROM {{ ref('g2_v2_fact_order_products_star') }} f
        JOIN (SELECT DISTINCT arrayJoin([product_a_id, product_b_id]) AS product_id FROM actionable_associations) tp
            ON f.product_id = tp.product_id
        GROUP BY f.order_id, f.user_id
        HAVING length(ps) > 1
    )
    -- every (a, b > a) of the group as a <<32 | b, kept when it is a returned pair (a JOIN: an IN set would be built
    -- before the materialized CTE is)
    ARRAY JOIN arrayFlatten(arrayMap((x, i) -> arrayMap(y -> bitShiftLeft(toUInt64(x), 32) + y, arraySlice(ps, i + 1)), ps, arrayEnumerate(ps))) AS pair_key
    JOIN (SELECT bitShiftLeft(toUInt64(product_a_id), 32) + product_b_id AS returned_pair_key FROM actionable_associations) rp
        ON pair_key = rp.returned_pair_key
    GROUP BY pair_key
)

SELECT 
    aa.product_a_id AS product_a_id,
    aa.product_b_id AS product_b_id, 
    p1.product_name AS product_a_name,
    p2.product_name AS product_b_name,
    p1.department_name AS product_a_dept,
    p2.department_name AS product_b_dept,
    
    -- Association metrics
    aa.orders_with_both AS orders_with_both,
    aa.support AS support,
    aa.confidence_a_to_b AS confidence_a_to_b,
    aa.confidence_b_to_a AS confidence_b_to_a, 
    aa.lift AS lift,
    
    -- Business metrics
    aa.association_strength AS association_strength,
    aa.cross_sell_opportunity_score AS cross_sell_opportunity_score,
    aa.recommendation_strategy AS recommendation_strategy,
    
    -- Additional context
    pc.customers_buying_both AS customers_buying_both,
    aa.product_a_total_orders AS product_a_total_orders,
    aa.product_b_total_orders AS product_b_total_orders
    
FROM actionable_associations aa
JOIN pair_customers pc ON aa.product_a_id = pc.product_a_id AND aa.product_b_id = pc.product_b_id
JOIN {{ ref('g2_v2_dim_products_star') }} p1 ON aa.product_a_id = p1.product_id
JOIN {{ ref('g2_v2_dim_products_star') }} p2 ON aa.product_b_id = p2.product_id
