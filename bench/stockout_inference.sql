-- What the sold-out inference (flux_store::stockouts::inferred) costs on a
-- large timed history, beside a plain scan of the same rows in the same
-- run. One restaurant, 365 days, 40 dishes, about 2,700 timed lines a day
-- (1M lines). Run on a scratch database:
--   createdb flux_bench && psql -d flux_bench -f bench/stockout_inference.sql && dropdb flux_bench
-- The query below is the store's, with the rule's values inlined.
\timing on
create table transaction_items (
    restaurant_id uuid not null, business_date date not null, dedupe_key bytea not null,
    menu_item_id uuid not null, occurred_at timestamptz, quantity numeric(14, 3),
    primary key (restaurant_id, business_date, dedupe_key)
);
insert into transaction_items
select '00000000-0000-0000-0000-000000000001'::uuid,
       date '2025-01-01' + (n / 2740),
       int8send(n),
       ('00000000-0000-0000-0000-0000000000' || lpad((n % 40)::text, 2, '0'))::uuid,
       (date '2025-01-01' + (n / 2740))::timestamptz + interval '11 hours'
           + ((n % 2740) * interval '15 seconds'),
       1 + n % 3
from generate_series(0, 999999) n;
analyze transaction_items;

-- Baseline: read every line of the window once.
select count(*), sum(quantity) from transaction_items
where restaurant_id = '00000000-0000-0000-0000-000000000001'
  and business_date >= date '2025-01-01' and business_date < date '2026-01-01'
  and occurred_at is not null;

-- The inference.
with timed as (
     select menu_item_id, business_date, occurred_at, quantity
     from transaction_items
     where restaurant_id = '00000000-0000-0000-0000-000000000001'
       and business_date >= date '2025-01-01' and business_date < date '2026-01-01'
       and occurred_at is not null
 ), dish_days as (
     select menu_item_id, business_date, max(occurred_at) as last_sale,
            coalesce(sum(quantity), 0)::float8 as sold
     from timed group by menu_item_id, business_date
 ), service as (
     select business_date, max(occurred_at) as last_sale from timed group by business_date
 ), gaps as (
     select d.menu_item_id, d.business_date, d.sold,
            extract(epoch from s.last_sale - d.last_sale)::float8 as gap
     from dish_days d join service s using (business_date)
 ), habit as (
     select menu_item_id, percentile_cont(0.5) within group (order by gap) as median_gap,
            count(*) as days
     from gaps group by menu_item_id
 )
 select count(*)
 from gaps g join habit h using (menu_item_id)
 where h.days >= 14 and g.sold >= 3 and g.gap >= 7200 and g.gap >= 3 * h.median_gap;
