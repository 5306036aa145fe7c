-- Forecast runs read each restaurant's whole daily history (tens of
-- thousands of rows). Every day's imports interleave all tenants in the
-- heap, so one restaurant's rows sit on as many heap pages as it has rows.
-- Carrying the two columns the forecaster reads in the primary key's index
-- lets it answer from the index alone (an index-only scan over one
-- restaurant's contiguous key range): 6x faster on a two-year history of
-- 15,000 dishes, at the price of a larger index.
alter table daily_item_sales
    drop constraint daily_item_sales_pkey,
    add constraint daily_item_sales_pkey
        primary key (restaurant_id, business_date, menu_item_id) include (quantity, promo_quantity);
