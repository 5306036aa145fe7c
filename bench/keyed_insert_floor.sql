-- The floor of the import's store path: how long PostgreSQL itself takes
-- to write 2M sale lines into a table shaped like `transaction_items`,
-- with and without its primary key, from rows already in a temporary
-- table (nothing parsed, no row-level security). Compare with
-- `flux bench ingest --rows 2000000 --kind daily`, whose plain-COPY
-- baseline is the same server's COPY of the whole CSV.
--
--   psql -d <scratch database> -f bench/keyed_insert_floor.sql
\timing on
set temp_buffers = '1GB';
drop table if exists floor_lines;
create table floor_lines (
    restaurant_id uuid not null, business_date date not null, dedupe_key bytea not null,
    upload_id uuid not null, order_ref text, line_no bigint not null, menu_item_id uuid not null,
    occurred_at timestamptz, quantity numeric(14, 3), unit_price numeric(14, 4),
    line_total numeric(16, 4), is_promo boolean not null default false,
    primary key (restaurant_id, business_date, dedupe_key));
create temp table floor_staged (like floor_lines including defaults);
insert into floor_staged
select '11111111-1111-1111-1111-111111111111', date '2020-01-01' + (g / 2000),
       decode(md5(g::text), 'hex'), '21111111-1111-1111-1111-111111111111', null, g,
       ('31111111-1111-1111-1111-' || lpad((g % 2000)::text, 12, '0'))::uuid,
       null, 3, 2.5, 7.5, false
from generate_series(1, 2000000) g;
-- 1. with the primary key
insert into floor_lines select * from floor_staged;
truncate floor_lines;
-- 2. with the primary key, rows in key order
insert into floor_lines select * from floor_staged order by restaurant_id, business_date, dedupe_key;
truncate floor_lines;
-- 3. without any index, then 4. building the key afterwards
alter table floor_lines drop constraint floor_lines_pkey;
insert into floor_lines select * from floor_staged;
alter table floor_lines add primary key (restaurant_id, business_date, dedupe_key);
drop table floor_lines;
