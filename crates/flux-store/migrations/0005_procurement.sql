-- Suppliers and their offers, inventory events, and purchase orders.
--
-- Quantities in stock events and order lines are in the ingredient's base
-- unit (the unit its price is per), so on-hand arithmetic never converts.

create table suppliers (
    restaurant_id    uuid not null references restaurants on delete cascade,
    supplier_id      uuid not null,
    name             text not null,
    name_key         text not null,
    contact_name     text,
    email            text,
    phone            text,
    lead_time_days   integer not null default 1 check (lead_time_days between 0 and 60),
    -- ISO weekdays the supplier delivers on: 1 = Monday ... 7 = Sunday.
    delivery_days    smallint[] not null default '{1,2,3,4,5}',
    min_order_value  numeric not null default 0 check (min_order_value >= 0),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, supplier_id),
    constraint suppliers_name_key_unique unique (restaurant_id, name_key),
    constraint suppliers_delivery_days_valid check (delivery_days <@ '{1,2,3,4,5,6,7}'::smallint[])
);

-- What a supplier sells an ingredient as: a pack of so many base units at
-- a pack price. One offer per supplier and ingredient.
create table supplier_offers (
    restaurant_id    uuid not null,
    supplier_id      uuid not null,
    ingredient_id    uuid not null,
    pack_base_units  numeric not null check (pack_base_units > 0),
    pack_price       numeric not null check (pack_price >= 0),
    preferred        boolean not null default false,
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, supplier_id, ingredient_id),
    foreign key (restaurant_id, supplier_id) references suppliers on delete cascade,
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade
);
create index supplier_offers_ingredient_idx on supplier_offers (restaurant_id, ingredient_id);

-- Stock counts, deliveries received and waste recorded. Usage is not
-- stored: it is derived from sales through recipes.
create table stock_events (
    restaurant_id    uuid not null,
    event_id         uuid not null,
    ingredient_id    uuid not null,
    kind             text not null check (kind in ('count', 'delivery', 'waste')),
    event_date       date not null,
    quantity         numeric not null check (quantity >= 0),
    note             text,
    purchase_order_id uuid,
    recorded_at      timestamptz not null default now(),
    primary key (restaurant_id, event_id),
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade
);
create index stock_events_ingredient_idx on stock_events (restaurant_id, ingredient_id, event_date);

create table purchase_orders (
    restaurant_id    uuid not null references restaurants on delete cascade,
    purchase_order_id uuid not null,
    supplier_id      uuid not null,
    status           text not null default 'draft' check (status in ('draft', 'sent', 'received', 'cancelled')),
    delivery_date    date,
    note             text,
    created_at       timestamptz not null default now(),
    sent_at          timestamptz,
    received_at      timestamptz,
    primary key (restaurant_id, purchase_order_id),
    foreign key (restaurant_id, supplier_id) references suppliers on delete restrict
);
create index purchase_orders_status_idx on purchase_orders (restaurant_id, status, created_at);

create table purchase_order_lines (
    restaurant_id    uuid not null,
    purchase_order_id uuid not null,
    line_no          integer not null,
    ingredient_id    uuid not null,
    packs            integer not null check (packs > 0),
    pack_base_units  numeric not null check (pack_base_units > 0),
    pack_price       numeric not null check (pack_price >= 0),
    received_quantity numeric check (received_quantity >= 0),  -- base units, set on receipt
    explanation      text not null default '',
    primary key (restaurant_id, purchase_order_id, line_no),
    foreign key (restaurant_id, purchase_order_id) references purchase_orders on delete cascade,
    foreign key (restaurant_id, ingredient_id) references ingredients on delete restrict
);

alter table suppliers enable row level security;
alter table suppliers force row level security;
create policy tenant_isolation on suppliers
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table supplier_offers enable row level security;
alter table supplier_offers force row level security;
create policy tenant_isolation on supplier_offers
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table stock_events enable row level security;
alter table stock_events force row level security;
create policy tenant_isolation on stock_events
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table purchase_orders enable row level security;
alter table purchase_orders force row level security;
create policy tenant_isolation on purchase_orders
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table purchase_order_lines enable row level security;
alter table purchase_order_lines force row level security;
create policy tenant_isolation on purchase_order_lines
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
