-- Prepared stock: how much of a prep (a sub-recipe such as a sauce) is in
-- the fridge, counted on a day, and until when it can be used. The prep
-- list subtracts the latest usable count.
create table prep_counts (
    restaurant_id  uuid not null,
    count_id       uuid not null,
    recipe_id      uuid not null,
    counted_on     date not null,
    quantity       numeric not null check (quantity >= 0),  -- in the prep's yield unit
    usable_until   date not null,
    recorded_at    timestamptz not null default now(),
    primary key (restaurant_id, count_id),
    foreign key (restaurant_id, recipe_id) references recipes on delete cascade,
    constraint prep_counts_dates check (usable_until >= counted_on)
);
create index prep_counts_recipe_idx on prep_counts (restaurant_id, recipe_id, counted_on);

alter table prep_counts enable row level security;
alter table prep_counts force row level security;
create policy tenant_isolation on prep_counts
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
