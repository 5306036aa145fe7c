-- Days a dish ran out. What it sold then is a lower bound on demand, not
-- a measurement of it: the forecaster treats such days as censored. A
-- chef or manager marks them by hand (this table); days where sales of a
-- dish stopped hours before the rest of the restaurant's are inferred
-- from transaction-level data at forecast time and not stored.
create table stockouts (
    restaurant_id  uuid not null references restaurants on delete cascade,
    menu_item_id   uuid not null,
    business_date  date not null,
    note           text not null default '',
    user_id        uuid references users on delete set null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, menu_item_id, business_date),
    foreign key (restaurant_id, menu_item_id) references menu_items on delete cascade
);

alter table stockouts enable row level security;
alter table stockouts force row level security;
create policy tenant_isolation on stockouts
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

create trigger audit after insert or update or delete on stockouts
    for each row execute function flux_audit('menu_item_id', 'business_date');
