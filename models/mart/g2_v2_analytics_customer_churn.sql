-- models/mart/g2_v2_analytics_customer_churn.sql
{{ config(materialized='table', schema='mart', order_by='user_id') }}

WITH customer_metrics AS (
    SELECT 
        user_id,
        loyalty_segment,
        churn_risk_segment,
        engagement_level,
        customer_value_tier,
        total_orders,
        avg_days_between_orders,
        user_reorder_rate,
        -- GUIDE FIX: g2_v2_dim_customers now carries max_days_between_orders (the guide's dimension did not)
        max_days_between_orders,
        total_items_purchased,
        
        -- Recency analysis (days since last order)
        -- Note: In real scenario, you'd compare against current date
        -- NOTE (guide): a proxy only; the source caps gaps at 30 days, so recency_score is always >= 3
        max_days_between_orders AS days_since_last_order,
        
        -- Frequency scoring
        CASE 
            WHEN total_orders >= 50 THEN 5
            WHEN total_orders >= 30 THEN 4  
            WHEN total_orders >= 15 THEN 3
            WHEN total_orders >= 5 THEN 2
            ELSE 1
        END AS frequency_score,
        
        -- Monetary scoring (based on total items as proxy)
        CASE
            WHEN total_items_purchased >= 500 THEN 5
            WHEN total_items_purchased >= 200 THEN 4
            WHEN total_items_purchased >= 50 THEN 3  
            WHEN total_items_purchased >= 10 THEN 2
            ELSE 1
        END AS monetary_score
        
    FROM {{ ref('g2_v2_dim_customers') }}
),

rfm_analysis AS (
    SELECT 
        *,
        -- Recency scoring (lower days = higher score)
        CASE
            WHEN days_since_last_order <= 7 THEN 5
            WHEN days_since_last_order <= 14 THEN 4
            WHEN days_since_last_order <= 30 THEN 3
            WHEN days_since_last_order <= 60 THEN 2  
            ELSE 1
        END AS recency_score,
        
        -- RFM composite score
        frequency_score + monetary_score AS fm_score
        
    FROM customer_metrics
),

churn_segments AS (
    SELECT 
        *,
        recency_score + frequency_score + monetary_score AS rfm_total_score,
        
        -- Customer lifecycle segmentation
        CASE
            WHEN recency_score >= 4 AND frequency_score >= 4 AND monetary_score >= 4 THEN 'Champions'
            WHEN recency_score >= 3 AND frequency_score >= 3 AND monetary_score >= 3 THEN 'loyal_customers'  
            WHEN recency_score >= 3 AND frequency_score >= 2 THEN 'potential_loyalists'
            WHEN recency_score >= 4 AND frequency_score <= 2 THEN 'new_customers'
            WHEN recency_score >= 2 AND frequency_score >= 3 THEN 'at_risk'
            WHEN recency_score <= 2 AND frequency_score >= 2 THEN 'cannot_lose_them'
            WHEN recency_score <= 2 AND frequency_score <= 2 AND monetary_score >= 3 THEN 'hibernating_high_value'
            WHEN recency_score <= 2 AND frequency_score <= 2 THEN 'lost_customers'
            ELSE 'others'
        END AS lifecycle_segment,
        
        -- Churn probability scoring
        CASE  
            WHEN days_since_last_order > 60 AND frequency_score <= 2 THEN 0.9
            WHEN days_since_last_order > 45 AND user_reorder_rate < 0.3 THEN 0.75
            WHEN days_since_last_order > 30 AND frequency_score <= 3 THEN 0.6
            WHEN days_since_last_order > 21 AND user_reorder_rate < 0.5 THEN 0.4
            WHEN days_since_last_order > 14 THEN 0.25
            ELSE 0.1
        END AS churn_probability
        
    FROM rfm_analysis
)

SELECT 
    user_id,
    lifecycle_segment,
    churn_risk_segment,
    churn_probability,
    rfm_total_score,
    recency_score, 
    frequency_score,
    monetary_score,
    days_since_last_order,
    total_orders,
    user_reorder_rate,
    total_items_purchased,
    
    -- Action recommendations  
    CASE lifecycle_segment
        WHEN 'Champions' THEN 'Reward loyalty, ask for reviews, upsell premium products'
        WHEN 'loyal_customers' THEN 'Recommend complementary products, offer exclusive deals'
        WHEN 'potential_loyalists' THEN 'Offer membership program, recommend based on purchase history'
        WHEN 'new_customers' THEN 'Provide onboarding support, educational content'
        WHEN 'at_risk' THEN 'Send personalized offers, win-back campaign'  
        WHEN 'cannot_lose_them' THEN 'Aggressive retention campaign, personal outreach'
        WHEN 'hibernating_high_value' THEN 'Re-engagement campaign with special incentives'
        WHEN 'lost_customers' THEN 'Ignore or very low-cost win-back campaign'
        ELSE 'Standard marketing approach'
    END AS recommended_action
    
FROM churn_segments
ORDER BY churn_probability DESC, rfm_total_score DESC
