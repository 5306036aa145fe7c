-- Lines an upload held that were already stored by an earlier upload (or
-- repeated inside the same file), kept so that undo never loses a sale.
--
-- A sale line is stored once, owned by the first upload that brought it
-- (`transaction_items.upload_id`). Without this table, undoing that first
-- upload deleted the line although a later, still active upload held it
-- too. Now every skipped duplicate is kept here with the values of the
-- upload that held it; undo hands each of the undone upload's lines to the
-- earliest still-active upload that holds the same key, so the stored
-- sales always equal a replay of the active uploads in the order they
-- were made, as if the undone ones had never been made.
--
-- Same columns as `transaction_items`. No primary key: a file may repeat a
-- key on several rows, and each repetition is a claim of its own.
create table duplicate_lines (
    restaurant_id   uuid not null,
    business_date   date not null,
    dedupe_key      bytea not null,
    upload_id       uuid not null,
    order_ref       text,
    line_no         bigint not null,
    menu_item_id    uuid not null,
    occurred_at     timestamptz,
    quantity        numeric(14, 3),
    unit_price      numeric(14, 4),
    line_total      numeric(16, 4),
    is_promo        boolean not null default false
);
-- Undo looks up the holders of a removed line's key.
create index duplicate_lines_key_idx on duplicate_lines (restaurant_id, business_date, dedupe_key);
-- Undo drops the undone upload's own claims.
create index duplicate_lines_upload_idx on duplicate_lines (restaurant_id, upload_id);

alter table duplicate_lines enable row level security;
alter table duplicate_lines force row level security;
create policy tenant_isolation on duplicate_lines
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

-- Upload order decides which holder inherits a line on undo; `now()` is
-- the transaction's start, which is not the order in which concurrent
-- imports of one restaurant commit (they are serialised by a lock taken
-- later), so the store records the moment the upload row is written.
alter table data_uploads alter column created_at set default clock_timestamp();
