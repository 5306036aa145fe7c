-- Sale lines and the daily roll-up, partitioned by month of business day.
--
-- Both tables grow with every restaurant's every day; one partition per
-- month keeps each B-tree to a month of data, lets date-range scans skip
-- whole months (BRIN on business_date inside each partition), and lets
-- old months be dropped as a whole instead of deleted row by row. The
-- keys already begin with (restaurant_id, business_date), so uniqueness
-- (exactly-once) holds across partitions and every tenant query still
-- reads one restaurant's key range, now per month.
--
-- There is no default partition: a row for a month without its partition
-- is an error, never silently parked. Imports create the months of their
-- file first (`flux_ensure_sales_partitions`, in a transaction of its own,
-- so the lock it takes on the parent is brief) and the daily housekeeping
-- job creates the coming months ahead.

-- Creates the monthly partitions of both tables covering `first` to
-- `last` that do not exist yet; returns how many it created. SECURITY
-- DEFINER: the application role may not create tables, and this is the one
-- thing it may ask for. Each partition gets the parent's row-level
-- security (enabled, forced, same policy), so reading a partition directly
-- shows no more than reading through the parent.
create function flux_ensure_sales_partitions(first date, last date) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    month date := date_trunc('month', least(first, last))::date;
    stop date := date_trunc('month', greatest(first, last))::date;
    t text;
    part text;
    created integer := 0;
begin
    if first is null or last is null then
        return 0;
    end if;
    -- A file's dates are bounded by the importer (2000 onwards, not far in
    -- the future); this bound keeps a bad call from creating thousands.
    if (stop - month) > 366 * 40 then
        raise exception 'refusing to create partitions for % to %', first, last;
    end if;
    while month <= stop loop
        foreach t in array array['transaction_items', 'daily_item_sales'] loop
            part := format('%s_%s', t, to_char(month, 'YYYY_MM'));
            if to_regclass(part) is null then
                execute format('create table %I partition of %I for values from (%L) to (%L)',
                               part, t, month, (month + interval '1 month')::date);
                execute format('alter table %I enable row level security', part);
                execute format('alter table %I force row level security', part);
                execute format('create policy tenant_isolation on %I
                                    using (restaurant_id = flux_current_restaurant())
                                    with check (restaurant_id = flux_current_restaurant())', part);
                created := created + 1;
            end if;
        end loop;
        month := (month + interval '1 month')::date;
    end loop;
    return created;
end
$$;
revoke all on function flux_ensure_sales_partitions(date, date) from public;
grant execute on function flux_ensure_sales_partitions(date, date) to flux_app;

-- Rebuild both tables as partitioned ones and move the rows over. RLS is
-- lifted on the old tables for the copy (forced RLS applies to the owner
-- running migrations on an external server).
alter table transaction_items rename to transaction_items_unpartitioned;
alter table daily_item_sales rename to daily_item_sales_unpartitioned;
alter table transaction_items_unpartitioned no force row level security;
alter table daily_item_sales_unpartitioned no force row level security;
-- Their keys' names go to the new tables.
alter table transaction_items_unpartitioned drop constraint transaction_items_pkey;
alter table daily_item_sales_unpartitioned drop constraint daily_item_sales_pkey;

create table transaction_items (like transaction_items_unpartitioned including defaults)
    partition by range (business_date);
alter table transaction_items add primary key (restaurant_id, business_date, dedupe_key);
create index transaction_items_date_brin on transaction_items using brin (business_date);

create table daily_item_sales (like daily_item_sales_unpartitioned including defaults)
    partition by range (business_date);
-- As in migration 0006: the columns the forecaster reads ride in the key.
alter table daily_item_sales add primary key (restaurant_id, business_date, menu_item_id)
    include (quantity, promo_quantity);
create index daily_item_sales_date_brin on daily_item_sales using brin (business_date);

do $$
declare t text;
begin
    foreach t in array array['transaction_items', 'daily_item_sales'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I
                            using (restaurant_id = flux_current_restaurant())
                            with check (restaurant_id = flux_current_restaurant())', t);
    end loop;
end
$$;

select flux_ensure_sales_partitions(min(business_date), max(business_date))
from transaction_items_unpartitioned;
select flux_ensure_sales_partitions(min(business_date), max(business_date))
from daily_item_sales_unpartitioned;
-- The current month and the next two, so a new restaurant's first days
-- have their partitions.
select flux_ensure_sales_partitions(current_date, (current_date + interval '2 months')::date);

insert into transaction_items select * from transaction_items_unpartitioned;
insert into daily_item_sales select * from daily_item_sales_unpartitioned;
drop table transaction_items_unpartitioned;
drop table daily_item_sales_unpartitioned;

-- Drops the monthly partitions of both tables that end on or before
-- `cutoff` (whole months only); returns how many. For an operator's
-- retention limit (`--sales-retention-months`), applied by housekeeping;
-- off unless configured, since sales otherwise stay until their
-- restaurant is deleted.
create function flux_drop_sales_partitions_before(cutoff date) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    part record;
    dropped integer := 0;
begin
    for part in
        select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent in ('transaction_items'::regclass, 'daily_item_sales'::regclass)
    loop
        -- Names end in _YYYY_MM (flux_ensure_sales_partitions).
        if to_date(right(part.relname, 7), 'YYYY_MM') + interval '1 month' <= cutoff then
            execute format('drop table %I', part.relname);
            dropped := dropped + 1;
        end if;
    end loop;
    return dropped;
end
$$;
revoke all on function flux_drop_sales_partitions_before(date) from public;
grant execute on function flux_drop_sales_partitions_before(date) to flux_app;
