-- Sales ingestion: uploads, sale lines, orders and the daily per-item
-- roll-up that forecasting and dashboards read.
--
-- Exactly-once rules:
-- * an upload's file hash is unique per restaurant among live uploads, so
--   the same file twice is refused (409 naming the first upload);
-- * every sale line has a `dedupe_key` (16 bytes: order id + position in the
--   order, or date/time + item + occurrence for files without order ids),
--   unique per restaurant and business day, so a line already stored is not
--   counted again when it reappears in another file;
-- * an upload commits in one transaction with its lines and roll-up changes,
--   so a crash leaves either everything or nothing.

create table data_uploads (
    restaurant_id  uuid not null references restaurants on delete cascade,
    upload_id      uuid not null,
    filename       text not null,
    file_sha256    bytea not null,
    size_bytes     bigint not null,
    format         text not null,
    policy         text not null check (policy in ('strict', 'skip_invalid')),
    status         text not null check (status in ('completed', 'undone')),
    rows_read      bigint not null,
    rows_imported  bigint not null,
    rows_duplicate bigint not null,
    rows_errored   bigint not null,
    rows_skipped   bigint not null,
    first_date     date,
    last_date      date,
    date_order     text,
    summary        jsonb not null,                 -- detection details, skip reasons, warnings
    errors         jsonb not null,                 -- first N row errors: line, column, value, reason
    created_by     uuid references users,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, upload_id)
);
create unique index data_uploads_live_file_idx on data_uploads (restaurant_id, file_sha256)
    where status = 'completed';

-- Column mappings chosen by hand, remembered for the next upload.
create table upload_mappings (
    restaurant_id  uuid not null references restaurants on delete cascade,
    headers_key    text not null,                  -- normalised header row
    mapping        jsonb not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, headers_key)
);

-- Extra spellings of a dish that imports should map to it.
create table menu_item_aliases (
    restaurant_id  uuid not null references restaurants on delete cascade,
    alias_key      text not null,
    menu_item_id   uuid not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, alias_key),
    foreign key (restaurant_id, menu_item_id) references menu_items on delete cascade
);

-- One row per sold item line (the seed's transaction_items). Range-partitionable
-- by business_date: the key already contains it.
create table transaction_items (
    restaurant_id   uuid not null,
    business_date   date not null,
    dedupe_key      bytea not null,
    upload_id       uuid not null,
    order_ref       text,                           -- the POS order/ticket id, when the file has one
    line_no         bigint not null,                -- physical line in the uploaded file
    menu_item_id    uuid not null,
    occurred_at     timestamptz,
    quantity        numeric(14, 3),                 -- negative: refund; null: revenue-only file
    unit_price      numeric(14, 4),
    line_total      numeric(16, 4),
    is_promo        boolean not null default false,
    primary key (restaurant_id, business_date, dedupe_key)
);
-- Deliberately no index on upload_id: the primary key is the only index
-- maintained on the hot import path; undoing an upload (rare) scans the
-- restaurant's lines instead.

-- One row per POS order (the seed's transactions), derived from its lines.
create table transactions (
    restaurant_id   uuid not null,
    order_ref       text not null,
    business_date   date not null,
    upload_id       uuid not null,
    occurred_at     timestamptz,
    line_count      integer not null,
    total_amount    numeric(16, 4),
    is_promo        boolean not null,
    created_at      timestamptz not null default now(),
    primary key (restaurant_id, business_date, order_ref)
);
create index transactions_upload_idx on transactions (restaurant_id, upload_id);

-- Daily totals per dish, kept exact on every import and undo.
create table daily_item_sales (
    restaurant_id   uuid not null,
    business_date   date not null,
    menu_item_id    uuid not null,
    quantity        numeric(16, 3) not null,
    revenue         numeric(18, 4),                 -- null when no line of the day had a price
    promo_quantity  numeric(16, 3) not null,
    line_count      bigint not null,
    updated_at      timestamptz not null default now(),
    primary key (restaurant_id, business_date, menu_item_id)
);
-- Per-dish reads scan the restaurant's primary-key range (a few hundred
-- thousand rows at most), which is cheaper overall than maintaining a
-- second index on every import.

do $$
declare t text;
begin
    foreach t in array array['data_uploads', 'upload_mappings', 'menu_item_aliases',
                             'transaction_items', 'transactions', 'daily_item_sales']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I
                            using (restaurant_id = flux_current_restaurant())
                            with check (restaurant_id = flux_current_restaurant())', t);
    end loop;
end
$$;
