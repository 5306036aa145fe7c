-- The last timed sale of each dish-day, kept in the daily roll-up.
--
-- Sold-out inference (stockouts.rs) compares a dish's last sale of the day
-- with the restaurant's. It used to aggregate every timed line of the
-- window from `transaction_items` on each forecast run: 75-100 ms for a
-- year of a busy restaurant, most of a forecast request. Imports and undo
-- now keep the maximum `occurred_at` beside the day's totals (NULL when no
-- line of the day had a time), so the inference reads one row per
-- dish-day.
alter table daily_item_sales add column last_sale_at timestamptz;

-- Backfill. Row-level security is forced even for the table owner, who
-- runs migrations on an external server and has no tenant set: lift it
-- for this statement only (inside the migration's transaction).
alter table daily_item_sales no force row level security;
alter table transaction_items no force row level security;
update daily_item_sales d
set last_sale_at = t.last_sale
from (select restaurant_id, business_date, menu_item_id, max(occurred_at) as last_sale
      from transaction_items
      where occurred_at is not null
      group by restaurant_id, business_date, menu_item_id) t
where d.restaurant_id = t.restaurant_id and d.business_date = t.business_date
  and d.menu_item_id = t.menu_item_id;
alter table daily_item_sales force row level security;
alter table transaction_items force row level security;
