// The guide's own checks, verbatim: phase 4 "Verify Analytics in ClickHouse" (step 19)
// and phase 7 step 28 "Business Validation Queries".
export const VERIFICATION_QUERIES = [
  ['Step 19: Top products by volume', `
SELECT product_name, total_quantity_sold, reorder_rate, abc_classification 
FROM mart.g2_v2_analytics_product_performance 
ORDER BY total_quantity_sold DESC 
LIMIT 10;`],
  ['Step 19: Customer churn segments', `
SELECT lifecycle_segment, COUNT(*) as customers, AVG(churn_probability) as avg_churn_prob
FROM mart.g2_v2_analytics_customer_churn
GROUP BY lifecycle_segment
ORDER BY avg_churn_prob DESC;`],
  ['Step 19: Top product associations', `
SELECT product_a_name, product_b_name, lift, confidence_a_to_b, association_strength
FROM mart.g2_v2_analytics_market_basket  
ORDER BY lift DESC
LIMIT 10;`],
  ['Step 28.1: Top products should have high reorder rates', `
SELECT product_name, total_quantity_sold, reorder_rate
FROM mart.g2_v2_analytics_product_performance
ORDER BY total_quantity_sold DESC
LIMIT 20;`],
  ['Step 28.2: High-value customers should have higher basket sizes', `
SELECT 
    customer_value_tier,
    AVG(avg_basket_size) AS avg_basket_size,
    AVG(user_reorder_rate) AS avg_reorder_rate,
    COUNT(*) AS customer_count
FROM mart.g2_v2_dim_customers  
GROUP BY customer_value_tier
ORDER BY avg_basket_size DESC;`],
  ['Step 28.3: Market basket associations should make business sense', `
SELECT 
    product_a_name,
    product_b_name, 
    product_a_dept,
    product_b_dept,
    lift,
    confidence_a_to_b
FROM mart.g2_v2_analytics_market_basket
WHERE lift >= 2.0
ORDER BY lift DESC
LIMIT 10;`],
];
