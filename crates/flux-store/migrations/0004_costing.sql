-- Ingredients, their price history, and recipes (dishes and preps).
--
-- Quantities and money are unconstrained `numeric` so every value the API
-- accepted (exact decimals) comes back exactly; the costing engine rounds
-- only for display. Every table is keyed by restaurant_id first (Citus
-- distribution column) and protected by the same tenant policy as the rest.

create table ingredients (
    restaurant_id   uuid not null references restaurants on delete cascade,
    ingredient_id   uuid not null,
    name            text not null,
    name_key        text not null,            -- the costing engine's name key: uniqueness and recipe matching
    category        text not null default 'other',
    base_unit       text not null,            -- unit that unit_cost is per: 'kg', 'l', 'each', ...
    unit_cost       numeric not null check (unit_cost >= 0),  -- effective today; history below
    waste_factor    numeric not null default 0 check (waste_factor >= 0 and waste_factor <= 0.60),
    shelf_life_days integer check (shelf_life_days > 0),
    supplier        text,
    pack_amount     numeric check (pack_amount > 0),
    pack_unit       text,
    grams_per_each  numeric check (grams_per_each > 0),  -- bridges count <-> mass ("2 each onions")
    grams_per_ml    numeric check (grams_per_ml > 0),    -- density: volume <-> mass
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (restaurant_id, ingredient_id),
    constraint ingredients_name_key_unique unique (restaurant_id, name_key),
    constraint ingredients_pack_complete check ((pack_amount is null) = (pack_unit is null))
);

-- Every price an ingredient has had, by the date it took effect. One price
-- per day: a second change on the same day corrects the first.
create table ingredient_costs (
    restaurant_id   uuid not null,
    ingredient_id   uuid not null,
    effective_from  date not null,
    unit_cost       numeric not null check (unit_cost >= 0),
    recorded_at     timestamptz not null default now(),
    primary key (restaurant_id, ingredient_id, effective_from),
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade
);

-- A dish (menu_item_id set, yields portions) or a prep such as a sauce
-- (menu_item_id null, named, yields an amount). Dishes take their name from
-- the menu item so a rename never leaves a recipe behind.
create table recipes (
    restaurant_id   uuid not null references restaurants on delete cascade,
    recipe_id       uuid not null,
    menu_item_id    uuid,
    name            text,                     -- preps only
    name_key        text,
    yield_amount    numeric not null check (yield_amount > 0),
    yield_unit      text not null,            -- 'each' (portions) for dishes
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (restaurant_id, recipe_id),
    foreign key (restaurant_id, menu_item_id) references menu_items on delete cascade,
    constraint recipes_dish_unique unique (restaurant_id, menu_item_id),
    constraint recipes_name_key_unique unique (restaurant_id, name_key),
    constraint recipes_dish_or_prep check (
        (menu_item_id is not null and name is null and name_key is null)
        or (menu_item_id is null and name is not null and name_key is not null))
);

-- A recipe's lines, in order. Ingredients and sub-recipes in use cannot be
-- deleted (restrict): the costing of every dish stays whole.
create table recipe_lines (
    restaurant_id   uuid not null,
    recipe_id       uuid not null,
    line_no         integer not null,
    ingredient_id   uuid,
    sub_recipe_id   uuid,
    quantity        numeric not null check (quantity > 0),
    unit            text not null,
    primary key (restaurant_id, recipe_id, line_no),
    foreign key (restaurant_id, recipe_id) references recipes on delete cascade,
    foreign key (restaurant_id, ingredient_id) references ingredients on delete restrict,
    foreign key (restaurant_id, sub_recipe_id) references recipes on delete restrict,
    constraint recipe_lines_one_component check ((ingredient_id is null) <> (sub_recipe_id is null))
);
create index recipe_lines_ingredient_idx on recipe_lines (restaurant_id, ingredient_id);
create index recipe_lines_sub_recipe_idx on recipe_lines (restaurant_id, sub_recipe_id);

alter table ingredients enable row level security;
alter table ingredients force row level security;
create policy tenant_isolation on ingredients
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table ingredient_costs enable row level security;
alter table ingredient_costs force row level security;
create policy tenant_isolation on ingredient_costs
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table recipes enable row level security;
alter table recipes force row level security;
create policy tenant_isolation on recipes
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table recipe_lines enable row level security;
alter table recipe_lines force row level security;
create policy tenant_isolation on recipe_lines
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
