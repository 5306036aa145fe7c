-- Supplier invoices and credit notes, goods returned to a supplier, and
-- stock moved between restaurants (including a central kitchen's preps).

-- Stock leaves a restaurant by a return to the supplier or a transfer to
-- another of the owner's restaurants, and arrives by a transfer. Each side
-- of a transfer is an event of its own restaurant, linked by transfer_id.
alter table stock_events drop constraint stock_events_kind_check;
alter table stock_events add constraint stock_events_kind_check
    check (kind in ('count', 'delivery', 'waste', 'return', 'transfer_in', 'transfer_out'));
alter table stock_events add column transfer_id uuid;
alter table stock_events add column invoice_id uuid;
create index stock_events_transfer_idx on stock_events (restaurant_id, transfer_id)
    where transfer_id is not null;

-- What a supplier billed (an invoice) or took back (a credit note, which
-- names the invoice it corrects). Lines are in the supplier's packs at a
-- price per pack, as printed; pack_base_units converts them to the
-- ingredient's base unit. A line with no ingredient is one nobody could
-- match: it stays on the invoice and is flagged, never dropped.
create table supplier_invoices (
    restaurant_id      uuid not null references restaurants on delete cascade,
    invoice_id         uuid not null,
    supplier_id        uuid not null,
    kind               text not null check (kind in ('invoice', 'credit_note')),
    number             text not null check (length(number) between 1 and 60),
    invoice_date       date not null,
    purchase_order_id  uuid,
    credits_invoice_id uuid,
    note               text check (length(note) <= 500),
    recorded_by        uuid,
    recorded_at        timestamptz not null default now(),
    primary key (restaurant_id, invoice_id),
    constraint supplier_invoices_number_unique unique (restaurant_id, supplier_id, kind, number),
    constraint supplier_invoices_credit_names_invoice
        check ((kind = 'credit_note') = (credits_invoice_id is not null)),
    foreign key (restaurant_id, supplier_id) references suppliers on delete restrict,
    foreign key (restaurant_id, purchase_order_id) references purchase_orders
        on delete set null (purchase_order_id),
    foreign key (restaurant_id, credits_invoice_id) references supplier_invoices on delete cascade
);
create index supplier_invoices_date_idx on supplier_invoices (restaurant_id, invoice_date desc);
create index supplier_invoices_order_idx on supplier_invoices (restaurant_id, purchase_order_id)
    where purchase_order_id is not null;

create table supplier_invoice_lines (
    restaurant_id    uuid not null,
    invoice_id       uuid not null,
    line_no          integer not null,
    ingredient_id    uuid,
    description      text not null check (length(description) between 1 and 200),
    packs            numeric not null check (packs > 0),
    pack_price       numeric not null check (pack_price >= 0),
    pack_base_units  numeric check (pack_base_units > 0),
    amount           numeric not null,
    -- Credit notes: why the supplier credits this line.
    credit_reason    text check (credit_reason in ('shortage', 'return', 'price', 'damaged')),
    -- The ingredient's cost per base unit before this invoice, kept so a
    -- price alert can still be explained after the price moved again.
    previous_unit_cost numeric,
    primary key (restaurant_id, invoice_id, line_no),
    foreign key (restaurant_id, invoice_id) references supplier_invoices on delete cascade,
    foreign key (restaurant_id, ingredient_id) references ingredients on delete restrict,
    constraint supplier_invoice_lines_convertible
        check (ingredient_id is null or pack_base_units is not null)
);

-- One side of a stock transfer. Both restaurants hold a row under the same
-- transfer_id, each under its own tenancy; neither can read the other's.
-- A request is a transfer the receiving side asked for (ordering preps
-- from a central kitchen); it moves stock only when the sender sends it.
create table stock_transfers (
    restaurant_id    uuid not null references restaurants on delete cascade,
    transfer_id      uuid not null,
    counterpart_id   uuid not null,
    counterpart_name text not null,
    direction        text not null check (direction in ('out', 'in')),
    status           text not null check (status in ('requested', 'sent', 'cancelled')),
    transfer_date    date not null,
    note             text check (length(note) <= 500),
    created_by       uuid,
    created_at       timestamptz not null default now(),
    sent_at          timestamptz,
    primary key (restaurant_id, transfer_id)
);
create index stock_transfers_date_idx on stock_transfers (restaurant_id, transfer_date desc);

-- What moved, valued at the sender's cost on the day. On the sending side
-- a line is an ingredient or a prep (a recipe: its ingredients leave the
-- building inside it); on the receiving side always an ingredient.
create table stock_transfer_lines (
    restaurant_id    uuid not null,
    transfer_id      uuid not null,
    line_no          integer not null,
    ingredient_id    uuid,
    recipe_id        uuid,
    name             text not null,
    quantity         numeric not null check (quantity > 0),
    unit             text not null,
    unit_cost        numeric check (unit_cost >= 0),
    primary key (restaurant_id, transfer_id, line_no),
    foreign key (restaurant_id, transfer_id) references stock_transfers on delete cascade,
    foreign key (restaurant_id, ingredient_id) references ingredients on delete restrict,
    foreign key (restaurant_id, recipe_id) references recipes on delete restrict,
    constraint stock_transfer_lines_one_item check ((ingredient_id is null) <> (recipe_id is null))
);

alter table supplier_invoices enable row level security;
alter table supplier_invoices force row level security;
create policy tenant_isolation on supplier_invoices
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
create trigger audit after insert or update or delete on supplier_invoices
    for each row execute function flux_audit('invoice_id');

alter table supplier_invoice_lines enable row level security;
alter table supplier_invoice_lines force row level security;
create policy tenant_isolation on supplier_invoice_lines
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table stock_transfers enable row level security;
alter table stock_transfers force row level security;
create policy tenant_isolation on stock_transfers
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
create trigger audit after insert or update or delete on stock_transfers
    for each row execute function flux_audit('transfer_id');

alter table stock_transfer_lines enable row level security;
alter table stock_transfer_lines force row level security;
create policy tenant_isolation on stock_transfer_lines
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
