-- One row per order, with clean types.
select
    order_id,
    lower(customer) as customer,
    toDecimal64(amount, 2) as amount,
    status
from {{ ref('raw_orders') }}
