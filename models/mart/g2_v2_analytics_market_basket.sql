-- models/mart/g2_v2_analytics_market_basket.sql
-- PERFORMANCE REWRITE of the guide's model (reference: test/reference/guide_sql/g2_v2_analytics_market_basket.sql, same rows).
-- The guide self-joins the 33.8M-line fact into ~240M (order, a, b) rows and hashes them into ~140M pair groups
-- (329 s, 12 GB). Here:
--   * each order becomes one sorted, duplicate-free array of its products (COUNT DISTINCT order_id == count());
--   * for every product a, the products b > a that share an order are collected into one array per a, sorted,
--     and run-length counted (no 140M-entry hash table; only pairs with >= 10 orders survive);
--   * COUNT(DISTINCT user_id) is needed only for the 1000 returned pairs: it intersects the (order, user) arrays of
--     their two products instead of carrying a distinct-user state for every pair.
-- Materialized CTEs (enable_materialized_cte) are computed once though referenced several times.
{{ config(materialized='table', schema='mart', order_by='(product_a_id, product_b_id)',
          query_settings={'enable_materialized_cte': 1, 'max_block_size': 8192,
                          'query_plan_optimize_join_order_limit': 0, 'query_plan_join_swap_table': 'false'}) }}

WITH baskets AS MATERIALIZED (
    SELECT order_id, arraySort(arrayDistinct(groupArray(product_id))) AS items
    FROM {{ ref('g2_v2_fact_order_products_star') }}
    GROUP BY order_id
),

individual_product_stats AS MATERIALIZED (
    SELECT product_id, count() AS total_orders_containing
    FROM baskets
    ARRAY JOIN items AS product_id
    GROUP BY product_id
),

product_combinations AS MATERIALIZED (
    -- per product a: every b > a sharing an order with it, sorted; runs of equal b = orders with both
    SELECT
        product_a_id,
        product_b_id,
        toUInt64(run_length) AS orders_with_both
    FROM (
        SELECT
            a AS product_a_id,
            arraySort(groupArrayArray(bs)) AS s,
            arrayMap((x, p) -> x != p, s, arrayPushFront(arrayPopBack(s), 0)) AS is_start,
            arrayFilter((x, f) -> f, s, is_start) AS distinct_b,
            arrayPopFront(arrayDifference(arrayPushBack(arrayFilter((i, f) -> f, arrayEnumerate(s), is_start), length(s) + 1))) AS run_lengths
        FROM (
            SELECT items[i] AS a, arraySlice(items, i + 1) AS bs
            FROM baskets
            ARRAY JOIN arrayEnumerate(items) AS i
            WHERE i < length(items)
        )
        GROUP BY a
    )
    ARRAY JOIN distinct_b AS product_b_id, run_lengths AS run_length
    WHERE run_length >= 10  -- Minimum support threshold
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

top_pair_products AS MATERIALIZED (
    -- (order_id << 32 | user_id) of every line of a product that appears in a returned pair
    SELECT f.product_id AS product_id, groupArray(bitShiftLeft(toUInt64(f.order_id), 32) + f.user_id) AS order_users
    FROM {{ ref('g2_v2_fact_order_products_star') }} f
    JOIN (SELECT DISTINCT arrayJoin([product_a_id, product_b_id]) AS product_id FROM actionable_associations) tp
        ON f.product_id = tp.product_id
    GROUP BY f.product_id
),

pair_customers AS (
    -- customers buying both = distinct users of the orders holding a and b
    SELECT
        aa.product_a_id AS product_a_id,
        aa.product_b_id AS product_b_id,
        length(arrayDistinct(arrayMap(x -> bitAnd(x, 4294967295), arrayIntersect(ta.order_users, tb.order_users)))) AS customers_buying_both
    FROM actionable_associations aa
    JOIN top_pair_products ta ON aa.product_a_id = ta.product_id
    JOIN top_pair_products tb ON aa.product_b_id = tb.product_id
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
