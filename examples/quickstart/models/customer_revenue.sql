{{ config(materialized='table', order_by='customer') }}

-- Revenue per customer, returned orders left out.
select
    customer,
    count() as orders,
    sum(amount) as revenue
from {{ ref('stg_orders') }}
where status != 'returned'
group by customer
