{#-
  generate_instacart(scale=0.1, seed=42)

  Usage: tsdbt run-operation generate_instacart --args '{scale: 0.1, seed: 42}'

  Creates database `raw` and the six tables raw.raw___insta_* with the columns and
  types of the real Kaggle Instacart CSVs, and fills them deterministically inside
  ClickHouse (numbers(), cityHash64 of (seed, salt, ids); no rand()).

  Sizes at scale 1 equal the real data set exactly:
    21 departments, 134 aisles, 49,688 products, 206,209 users (131,209 train / 75,000 test),
    3,421,083 orders, 32,434,489 prior lines, 1,384,617 train lines.
  Every count except departments and aisles scales linearly (products: at least 500).

  Shapes: 4-100 orders per user, baskets 1-145 lines (~10 on average), ~59 % reordered,
  days_since_prior_order capped at 30 and NULL on every user's first order, the last order
  of each user is train or test and the others prior, train lines only for train orders,
  Zipf-like product popularity, ~10 % organic product names, each aisle in one department.

  `reordered` is consistent with history: every user draws products from a personal,
  duplicate-free pool; a line is a reorder exactly when its pool item appeared in one of
  the user's earlier orders, so first orders never contain reorders and no order holds
  the same product twice.

  Helper tables raw._gen_* are dropped at the end. One statement per run_query call.
-#}
{#- Progress for people watching: the rows now in one generated table. -#}
{% macro _gen_progress(t) -%}
{%- set n = run_query("SELECT count() FROM raw." ~ t).columns[0].values()[0] -%}
{%- do log("  generated raw." ~ t ~ ": " ~ n ~ " rows", info=True) -%}
{%- endmacro %}

{% macro generate_instacart(scale=0.1, seed=42) %}
{%- set S = scale -%}
{%- set Z = seed -%}
{#- uniform (0,1) from a hash of the given arguments -#}
{%- set U0 = "((cityHash64(" -%}
{%- set U1 = ") % 4294967296) + 0.5) / 4294967296" -%}
{%- set n_users = "toUInt64(round(206209 * " ~ S ~ "))" -%}
{%- set n_train = "toUInt64(round(131209 * " ~ S ~ "))" -%}
{%- set n_orders = "toUInt64(round(3421083 * " ~ S ~ "))" -%}
{%- set n_prior_lines = "toUInt64(round(32434489 * " ~ S ~ "))" -%}
{%- set n_train_lines = "toUInt64(round(1384617 * " ~ S ~ "))" -%}
{%- set n_products = "toUInt64(greatest(500, round(49688 * " ~ S ~ ")))" -%}

{%- set helpers = ['_gen_u0', '_gen_u1', '_gen_users', '_gen_o0', '_gen_o1', '_gen_o2', '_gen_up', '_gen_ord', '_gen_pool'] -%}
{%- set tables = ['raw___insta_departments', 'raw___insta_aisles', 'raw___insta_products', 'raw___insta_orders', 'raw___insta_order_products_prior', 'raw___insta_order_products_train'] -%}

{% do run_query("CREATE DATABASE IF NOT EXISTS raw") %}
{% for t in tables %}
{% do run_query("DROP TABLE IF EXISTS raw." ~ t) %}
{% endfor %}
{% for t in helpers %}
{% do run_query("DROP TABLE IF EXISTS raw." ~ t) %}
{% endfor %}

{% do run_query("CREATE TABLE raw.raw___insta_departments (department_id UInt32, department String) ENGINE = MergeTree ORDER BY department_id") %}
{% do run_query("CREATE TABLE raw.raw___insta_aisles (aisle_id UInt32, aisle String) ENGINE = MergeTree ORDER BY aisle_id") %}
{% do run_query("CREATE TABLE raw.raw___insta_products (product_id UInt32, product_name String, aisle_id UInt32, department_id UInt32) ENGINE = MergeTree ORDER BY product_id") %}
{% do run_query("CREATE TABLE raw.raw___insta_orders (order_id UInt32, user_id UInt32, eval_set String, order_number UInt8, order_dow UInt8, order_hour_of_day UInt8, days_since_prior_order Nullable(Float64)) ENGINE = MergeTree ORDER BY order_id") %}
{% do run_query("CREATE TABLE raw.raw___insta_order_products_prior (order_id UInt32, product_id UInt32, add_to_cart_order UInt8, reordered UInt8) ENGINE = MergeTree ORDER BY (order_id, add_to_cart_order)") %}
{% do run_query("CREATE TABLE raw.raw___insta_order_products_train (order_id UInt32, product_id UInt32, add_to_cart_order UInt8, reordered UInt8) ENGINE = MergeTree ORDER BY (order_id, add_to_cart_order)") %}

{#- the 21 real Instacart departments -#}
{% do run_query("INSERT INTO raw.raw___insta_departments VALUES (1,'frozen'),(2,'other'),(3,'bakery'),(4,'produce'),(5,'alcohol'),(6,'international'),(7,'beverages'),(8,'pets'),(9,'dry goods pasta'),(10,'bulk'),(11,'personal care'),(12,'meat seafood'),(13,'pantry'),(14,'breakfast'),(15,'canned goods'),(16,'dairy eggs'),(17,'household'),(18,'babies'),(19,'snacks'),(20,'deli'),(21,'missing')") %}
{% do _gen_progress('raw___insta_departments') %}

{#- the 134 real Instacart aisles; aisles.csv has no department column -#}
{% do run_query("INSERT INTO raw.raw___insta_aisles VALUES (1,'prepared soups salads'),(2,'specialty cheeses'),(3,'energy granola bars'),(4,'instant foods'),(5,'marinades meat preparation'),(6,'other'),(7,'packaged meat'),(8,'bakery desserts'),(9,'pasta sauce'),(10,'kitchen supplies'),(11,'cold flu allergy'),(12,'fresh pasta'),(13,'prepared meals'),(14,'tofu meat alternatives'),(15,'packaged seafood'),(16,'fresh herbs'),(17,'baking ingredients'),(18,'bulk dried fruits vegetables'),(19,'oils vinegars'),(20,'oral hygiene'),(21,'packaged cheese'),(22,'hair care'),(23,'popcorn jerky'),(24,'fresh fruits'),(25,'soap'),(26,'coffee'),(27,'beers coolers'),(28,'red wines'),(29,'honeys syrups nectars'),(30,'latino foods'),(31,'refrigerated'),(32,'packaged produce'),(33,'kosher foods'),(34,'frozen meat seafood'),(35,'poultry counter'),(36,'butter'),(37,'ice cream ice'),(38,'frozen meals'),(39,'seafood counter'),(40,'dog food care'),(41,'cat food care'),(42,'frozen vegan vegetarian'),(43,'buns rolls'),(44,'eye ear care'),(45,'candy chocolate'),(46,'mint gum'),(47,'vitamins supplements'),(48,'breakfast bars pastries'),(49,'packaged poultry'),(50,'fruit vegetable snacks'),(51,'preserved dips spreads'),(52,'frozen breakfast'),(53,'cream'),(54,'paper goods'),(55,'shave needs'),(56,'diapers wipes'),(57,'granola'),(58,'frozen breads doughs'),(59,'canned meals beans'),(60,'trash bags liners'),(61,'cookies cakes'),(62,'white wines'),(63,'grains rice dried goods'),(64,'energy sports drinks'),(65,'protein meal replacements'),(66,'asian foods'),(67,'fresh dips tapenades'),(68,'bulk grains rice dried goods'),(69,'soup broth bouillon'),(70,'digestion'),(71,'refrigerated pudding desserts'),(72,'condiments'),(73,'facial care'),(74,'dish detergents'),(75,'laundry'),(76,'indian foods'),(77,'soft drinks'),(78,'crackers'),(79,'frozen pizza'),(80,'deodorants'),(81,'canned jarred vegetables'),(82,'baby accessories'),(83,'fresh vegetables'),(84,'milk'),(85,'food storage'),(86,'eggs'),(87,'more household'),(88,'spreads'),(89,'salad dressing toppings'),(90,'cocoa drink mixes'),(91,'soy lactosefree'),(92,'baby food formula'),(93,'breakfast bakery'),(94,'tea'),(95,'canned meat seafood'),(96,'lunch meat'),(97,'baking supplies decor'),(98,'juice nectars'),(99,'canned fruit applesauce'),(100,'missing'),(101,'air fresheners candles'),(102,'baby bath body care'),(103,'ice cream toppings'),(104,'spices seasonings'),(105,'doughs gelatins bake mixes'),(106,'hot dogs bacon sausage'),(107,'chips pretzels'),(108,'other creams cheeses'),(109,'skin care'),(110,'pickled goods olives'),(111,'plates bowls cups flatware'),(112,'bread'),(113,'frozen juice'),(114,'cleaning products'),(115,'water seltzer sparkling water'),(116,'frozen produce'),(117,'nuts seeds dried fruit'),(118,'first aid'),(119,'frozen dessert'),(120,'yogurt'),(121,'cereal'),(122,'meat counter'),(123,'packaged vegetables fruits'),(124,'spirits'),(125,'trail mix snack mix'),(126,'feminine care'),(127,'body lotions soap'),(128,'tortillas flat bread'),(129,'frozen appetizers sides'),(130,'hot cereal pancake mixes'),(131,'dry pasta'),(132,'beauty'),(133,'muscles joints pain relief'),(134,'specialty wines champagnes')") %}
{% do _gen_progress('raw___insta_aisles') %}

{#- products: every aisle gets products (the first 134 products cover all aisles), aisle sizes
    are skewed, the department is the aisle's real department, ~10 % organic, ~3 % gluten free -#}
{% set sql %}
INSERT INTO raw.raw___insta_products
WITH
    [20,16,19,9,13,2,12,3,9,17,11,9,20,20,12,4,13,10,13,11,16,11,19,4,11,7,5,5,13,6,7,4,6,1,12,16,1,1,12,8,8,1,3,11,19,19,11,14,12,19,13,1,16,17,11,18,14,1,15,17,19,5,9,7,11,6,20,10,15,11,16,13,11,17,17,6,7,19,1,11,15,18,4,16,17,16,17,13,13,7,16,18,3,7,15,20,13,7,15,21,17,18,19,13,13,12,19,16,11,13,17,3,1,17,7,1,19,11,1,16,14,12,4,5,19,11,11,3,1,14,9,11,11,5] AS aisle_dept,
    ['Soup','Cheese','Bars','Noodles','Marinade','Misc','Salami','Cake','Pasta Sauce','Foil','Cold Relief','Ravioli','Meal','Tofu','Tuna','Basil','Flour','Dried Mango','Olive Oil','Toothpaste','Cheddar','Shampoo','Popcorn','Banana','Hand Soap','Coffee','Lager','Cabernet','Syrup','Salsa','Juice','Salad Mix','Matzo','Shrimp','Chicken Breast','Butter','Ice Cream','Burrito','Salmon','Dog Food','Cat Food','Veggie Burger','Buns','Eye Drops','Dark Chocolate','Mints','Multivitamin','Toaster Pastries','Chicken Thighs','Fruit Snacks','Hummus','Waffles','Half & Half','Paper Towels','Razors','Diapers','Granola','Pizza Dough','Black Beans','Trash Bags','Cookies','Chardonnay','Brown Rice','Sports Drink','Protein Powder','Soy Sauce','Guacamole','Quinoa','Chicken Broth','Probiotic','Pudding','Ketchup','Face Wash','Dish Soap','Laundry Detergent','Curry Sauce','Soda','Crackers','Pizza','Deodorant','Diced Tomatoes','Pacifier','Spinach','Milk','Storage Bags','Large Eggs','Light Bulbs','Peanut Butter','Ranch Dressing','Hot Cocoa','Almond Milk','Baby Food','Bagels','Green Tea','Salmon Fillets','Turkey Breast','Sprinkles','Orange Juice','Applesauce','Item','Candle','Baby Wash','Fudge Sauce','Black Pepper','Brownie Mix','Bacon','Tortilla Chips','Cream Cheese','Lotion','Pickles','Paper Plates','Sandwich Bread','Lemonade Concentrate','All-Purpose Cleaner','Sparkling Water','Frozen Peas','Almonds','Bandages','Sorbet','Greek Yogurt','Cereal','Ground Beef','Baby Carrots','Vodka','Trail Mix','Tampons','Body Wash','Flour Tortillas','Potstickers','Oatmeal','Spaghetti','Lip Balm','Pain Reliever','Sparkling Rose'] AS aisle_noun,
    ['Classic','Original','Natural','Premium','Whole','Lite','Family Size','Reduced Fat','Unsweetened','Honey','Sea Salt','Vanilla','Chocolate','Strawberry','Garlic','Spicy','Sparkling','Wild','Creamy','Crunchy','Smoked','Roasted','Mini','Baby','Extra Virgin','Low Sodium','Whole Wheat','Mango','Coconut','Lemon','Cinnamon','Blueberry','Greek','Italian','Mexican','Homestyle','Country','Golden','Double','Simply'] AS adjectives,
    ['Good & Gather','Green Valley','Sunny Farms','Happy Harvest','Blue Ridge','Nature''s Table','Hearth & Home','Pure Pantry','Big Sky','Little Acre','Maple Grove','Ocean Spray','Golden Field','Red Barn','Silver Spoon','Urban Kitchen'] AS brands,
    {{ n_products }} AS P,
    toUInt32(number + 1) AS product_id,
    toUInt32(if(number < 134, (number * 37 + {{ Z }}) % 134, (toUInt64(floor(134 * pow({{ U0 }}{{ Z }}, 20, number{{ U1 }}, 1.4))) * 37 + {{ Z }}) % 134) + 1) AS aisle_id,
    {{ U0 }}{{ Z }}, 21, number{{ U1 }} AS u_org,
    {{ U0 }}{{ Z }}, 22, number{{ U1 }} AS u_gf
SELECT
    product_id,
    concat(
        if(u_org < 0.10, 'Organic ', ''),
        if(u_gf < 0.03, 'Gluten Free ', ''),
        if(cityHash64({{ Z }}, 23, number) % 3 = 0, concat(brands[1 + cityHash64({{ Z }}, 24, number) % length(brands)], ' '), ''),
        adjectives[1 + cityHash64({{ Z }}, 25, number) % length(adjectives)], ' ',
        aisle_noun[aisle_id]
    ) AS product_name,
    aisle_id,
    toUInt32(aisle_dept[aisle_id]) AS department_id
FROM numbers(P)
{% endset %}
{% do run_query(sql) %}
{% do _gen_progress('raw___insta_products') %}

{#- users: order counts 4..100 (heavy tail), rescaled so the total is exact -#}
{% set sql %}
CREATE TABLE raw._gen_u0 ENGINE = Memory AS
SELECT toUInt32(number + 1) AS user_id,
       11.9 * pow(-log({{ U0 }}{{ Z }}, 1, number{{ U1 }}), 1.2) AS y
FROM numbers({{ n_users }})
{% endset %}
{% do run_query(sql) %}

{% set sql %}
CREATE TABLE raw._gen_u1 ENGINE = Memory AS
WITH (SELECT ({{ n_orders }} - 4 * count()) / sum(least(y, 96)) FROM raw._gen_u0) AS f
SELECT user_id, toInt64(least(100, 4 + round(y * f))) AS n0
FROM raw._gen_u0
{% endset %}
{% do run_query(sql) %}

{#- exact total: +-1 on |D| eligible users picked by hash; the last order is train for exactly
    131,209*scale users (picked by hash) and test for the others -#}
{% set sql %}
CREATE TABLE raw._gen_users ENGINE = Memory AS
SELECT
    user_id, n, is_train, _check,
    toUInt64(sum(n) OVER (ORDER BY user_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - n) AS off,
    3 + 22 * {{ U0 }}{{ Z }}, 30, user_id{{ U1 }} AS tempo,
    0.55 + 0.9 * {{ U0 }}{{ Z }}, 31, user_id{{ U1 }} AS bmult,
    0.38 + 0.54 * {{ U0 }}{{ Z }}, 32, user_id{{ U1 }} AS rho,
    toUInt8(cityHash64({{ Z }}, 33, user_id) % 7) AS fav_dow
FROM (
    SELECT
        user_id,
        toUInt32(assumeNotNull(n0 + if(elig AND row_number() OVER (PARTITION BY elig ORDER BY cityHash64({{ Z }}, 3, user_id), user_id) <= abs(D), sign(D), 0))) AS n,
        row_number() OVER (ORDER BY cityHash64({{ Z }}, 4, user_id), user_id) <= {{ n_train }} AS is_train,
        throwIf(abs(D) > eligible_users, 'generate_instacart: cannot reach the exact order count') AS _check
    FROM (
        SELECT user_id, n0, D, if(D > 0, n0 < 100, n0 > 4) AS elig, eligible_users
        FROM raw._gen_u1
        CROSS JOIN (
            SELECT toInt64({{ n_orders }}) - sum(n0) AS D, if(D > 0, countIf(n0 < 100), countIf(n0 > 4)) AS eligible_users
            FROM raw._gen_u1
        ) AS d
    )
)
-- stored in blocks of 4096 users, so the next statement (orders) reads them on every thread (one block = one thread)
SETTINGS max_block_size = 4096, min_insert_block_size_rows = 4096
{% endset %}
{% do run_query(sql) %}

{#- orders: ids are an affine permutation of 1..N; weekday and hour follow the real shape;
    days_since_prior_order is NULL on the first order and capped at 30 -#}
{% set sql %}
CREATE TABLE raw._gen_o0 ENGINE = Memory AS
WITH
    {{ n_orders }} AS T,
    if(T % 1000003 != 0, 1000003, 999983) AS A,
    [600905, 1188383, 1655643, 2092615, 2518954, 2972322, 3421083] AS dow_cum,
    [22758, 35156, 42695, 48223, 53708, 63277, 93806, 185687, 363866, 621714, 910075, 1194770, 1467485, 1745389, 2028408, 2312025, 2584652, 2813446, 2996368, 3136935, 3241232, 3319351, 3380831, 3421083] AS hour_cum,
    {{ U0 }}{{ Z }}, 40, user_id, order_number{{ U1 }} AS u_dow,
    {{ U0 }}{{ Z }}, 41, user_id, order_number{{ U1 }} AS u_hour,
    {{ U0 }}{{ Z }}, 42, user_id, order_number{{ U1 }} AS u_days
SELECT
    user_id,
    order_number,
    toUInt32((((off + order_number - 1) * A) + cityHash64({{ Z }}, 43) % T) % T + 1) AS order_id,
    if(order_number = n, if(is_train, 'train', 'test'), 'prior') AS eval_set,
    toUInt8(if(u_dow < 0.3, fav_dow, arrayFirstIndex(c -> c >= (u_dow - 0.3) / 0.7 * 3421083, dow_cum) - 1)) AS order_dow,
    toUInt8(arrayFirstIndex(c -> c >= u_hour * 3421083, hour_cum) - 1) AS order_hour_of_day,
    if(order_number = 1, CAST(NULL AS Nullable(Float64)), toNullable(least(30., floor(-log(u_days) * tempo)))) AS days_since_prior_order,
    if(eval_set = 'test', 0., bmult * (-log({{ U0 }}{{ Z }}, 44, user_id, order_number{{ U1 }}) - log({{ U0 }}{{ Z }}, 45, user_id, order_number{{ U1 }}))) AS y,
    greatest(0., least(0.98, rho + 0.25 * ({{ U0 }}{{ Z }}, 46, user_id, order_number{{ U1 }} - 0.5))) AS rho_o
FROM raw._gen_users
ARRAY JOIN range(1, n + 1) AS order_number
{% endset %}
{% do run_query(sql) %}

{#- basket sizes 1..145 rescaled so prior and train line totals are exact -#}
{% set sql %}
CREATE TABLE raw._gen_o1 ENGINE = Memory AS
WITH
    (SELECT ({{ n_prior_lines }} - countIf(eval_set = 'prior')) / sumIf(least(y, 144), eval_set = 'prior') FROM raw._gen_o0) AS fp,
    (SELECT ({{ n_train_lines }} - countIf(eval_set = 'train')) / sumIf(least(y, 144), eval_set = 'train') FROM raw._gen_o0) AS ft
SELECT *, toInt64(if(eval_set = 'test', 0, least(145, 1 + round(y * if(eval_set = 'prior', fp, ft))))) AS k0
FROM raw._gen_o0
{% endset %}
{% do run_query(sql) %}

{% set sql %}
CREATE TABLE raw._gen_o2 ENGINE = Memory AS
SELECT
    user_id, order_number, order_id, eval_set, order_dow, order_hour_of_day, days_since_prior_order, rho_o,
    toInt64(assumeNotNull(k0 + if(eval_set != 'test' AND elig AND row_number() OVER (PARTITION BY eval_set, elig ORDER BY cityHash64({{ Z }}, 50, order_id), order_id) <= abs(D), sign(D), 0))) AS k,
    throwIf(eval_set != 'test' AND abs(D) > if(eval_set = 'prior', ep, et), 'generate_instacart: cannot reach the exact line count') AS _check
FROM (
    SELECT o.*, if(o.eval_set = 'prior', d.Dp, d.Dt) AS D, if(D > 0, o.k0 < 145, o.k0 > 1) AS elig, d.ep AS ep, d.et AS et
    FROM raw._gen_o1 AS o
    CROSS JOIN (
        SELECT
            toInt64({{ n_prior_lines }}) - sumIf(k0, eval_set = 'prior') AS Dp,
            toInt64({{ n_train_lines }}) - sumIf(k0, eval_set = 'train') AS Dt,
            if(Dp > 0, countIf(eval_set = 'prior' AND k0 < 145), countIf(eval_set = 'prior' AND k0 > 1)) AS ep,
            if(Dt > 0, countIf(eval_set = 'train' AND k0 < 145), countIf(eval_set = 'train' AND k0 > 1)) AS et
        FROM raw._gen_o1
    ) AS d
)
{% endset %}
{% do run_query(sql) %}

{% set sql %}
INSERT INTO raw.raw___insta_orders
SELECT order_id, user_id, eval_set, toUInt8(order_number), order_dow, order_hour_of_day, days_since_prior_order
FROM raw._gen_o2
{% endset %}
{% do run_query(sql) %}
{% do _gen_progress('raw___insta_orders') %}

{#- per user, in order_number order: how many pool items exist before each order (I) and how
    many lines of the order are reorders (r <= I); new items extend the pool (capped at P) -#}
{% set sql %}
CREATE TABLE raw._gen_up ENGINE = Memory AS
WITH toInt64({{ n_products }}) AS P
SELECT
    user_id,
    arrayMap(x -> x.2, arr) AS oids,
    arrayMap(x -> x.3, arr) AS ks,
    arrayMap(x -> x.5, arr) AS evals,
    arrayFold((acc, x) -> (
            acc.1 + x.3 - greatest(least(x.4, acc.1), x.3 + acc.1 - P),
            arrayPushBack(acc.2, greatest(least(x.4, acc.1), x.3 + acc.1 - P)),
            arrayPushBack(acc.3, acc.1)
        ), arr, (toInt64(0), CAST([] AS Array(Int64)), CAST([] AS Array(Int64)))) AS fold,
    fold.1 AS M,
    fold.2 AS rs,
    fold.3 AS Is
FROM (
    SELECT user_id,
           arraySort(x -> x.1, groupArray((order_number, order_id, k, toInt64(round(k * rho_o)), eval_set))) AS arr
    FROM raw._gen_o2
    GROUP BY user_id
)
-- stored in blocks of 4096 users, so the pools and the order list are computed on every thread (one block = one thread)
SETTINGS max_block_size = 4096, min_insert_block_size_rows = 4096
{% endset %}
{% do run_query(sql) %}

{#- each user's pool: M distinct products drawn with Zipf-like popularity (rank = P * u^2.2,
    ranks mapped to ids by an affine permutation); a consecutive run guarantees M distinct.
    The pools are one array per user, the users' orders beside it; the lines read a product as
    all_pools[pool_off + index + 1] from the pools concatenated in user order (one constant array): no per-line
    hash look-up (a Join table keyed by (user, index) and joinGet were ~0.8 s CPU of the main job's generation),
    and no pool copied per order or line (a lambda or ARRAY JOIN would copy the array it reads for every row). -#}
{% set sql %}
CREATE TABLE raw._gen_pool ENGINE = Memory AS
SELECT
    user_id, oids, ks, evals, rs, Is, pool,
    toUInt64(sum(length(pool)) OVER (ORDER BY user_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - length(pool)) AS pool_off
FROM (
    WITH
        {{ n_products }} AS P,
        if(P % 7919 != 0, 7919, 7907) AS A2,
        cityHash64({{ Z }}, 60) % P AS B2
    SELECT
        user_id, oids, ks, evals, rs, Is,
        arraySlice(arrayDistinct(arrayConcat(
            arrayMap(t -> toUInt32((toUInt64(floor(P * pow({{ U0 }}{{ Z }}, 61, user_id, t{{ U1 }}, 2.2))) * A2 + B2) % P + 1),
                     range(toUInt64(M + intDiv(M, 2) + 8))),
            arrayMap(t -> toUInt32((cityHash64({{ Z }}, 62, user_id) + t) % P + 1), range(toUInt64(M))))), 1, M) AS pool
    FROM raw._gen_up
)
-- stored in blocks of 4096 users, as _gen_up, so the lines are computed on every thread (one block = one thread)
SETTINGS max_block_size = 4096, min_insert_block_size_rows = 4096
{% endset %}
{% do run_query(sql) %}

{#- lines: r distinct earlier pool items (favourites, i.e. low indexes, more likely) plus
    k - r new items; the cart order is shuffled with reorders tending to come first -#}
{% for es in ['prior', 'train'] %}
{% set sql %}
INSERT INTO raw.raw___insta_order_products_{{ es }}
WITH (SELECT arrayFlatten(arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((user_id, pool))))) FROM raw._gen_pool) AS all_pools
SELECT
    order_id,
    all_pools[pool_off + item.1 + 1] AS product_id,
    toUInt8(pos) AS add_to_cart_order,
    toUInt8(item.2) AS reordered
FROM (
    SELECT
        order_id,
        arrayConcat(
            arrayMap(i -> (toUInt64(i), 1), arraySlice(arrayDistinct(arrayConcat(
                arrayMap(t -> toUInt64(floor(I * pow({{ U0 }}{{ Z }}, 70, order_id, t{{ U1 }}, 1.7))), range(toUInt64(r + intDiv(r, 2) + 4))),
                arrayMap(t -> (cityHash64({{ Z }}, 71, order_id) + t) % I, range(toUInt64(r))))), 1, r)),
            arrayMap(i -> (toUInt64(i), 0), range(toUInt64(I), toUInt64(I + k - r)))
        ) AS items0,
        arraySort((x, w) -> w, items0,
                  arrayMap((x, t) -> {{ U0 }}{{ Z }}, 72, order_id, t{{ U1 }} - 0.35 * x.2, items0, arrayEnumerate(items0))) AS items,
        pool_off
    FROM raw._gen_pool
    ARRAY JOIN oids AS order_id, ks AS k, evals AS eval_set, rs AS r, Is AS I
    WHERE k > 0 AND eval_set = '{{ es }}'
)
ARRAY JOIN items AS item, arrayEnumerate(items) AS pos
-- two threads sort and compress the inserted lines (the rows are the same; only the write is parallel)
SETTINGS max_insert_threads = 2
{% endset %}
{% do run_query(sql) %}
{% do _gen_progress('raw___insta_order_products_' ~ es) %}
{% endfor %}

{% for t in helpers %}
{% do run_query("DROP TABLE IF EXISTS raw." ~ t) %}
{% endfor %}
{% endmacro %}
