-- Inventory control: why food was wasted, waste of preps and dishes, the
-- allergens each ingredient declares, preparation yields and par levels.

-- Every waste event says why. Waste recorded before reasons existed is
-- "other"; counts and deliveries have no reason.
alter table stock_events add column reason text;
update stock_events set reason = 'other' where kind = 'waste';
alter table stock_events add constraint stock_events_reason check (
    (kind = 'waste') = (reason is not null)
    and (reason is null or reason in ('spoiled', 'expired', 'over_production', 'trim',
                                      'dropped', 'returned', 'staff_meal', 'other')));

-- A prep (sauce, dough) or a dish thrown away, in its recipe's yield unit
-- (portions for a dish). Its ingredients are derived through the recipe
-- when waste is costed or stock is projected, so a recipe corrected later
-- corrects them too. A recipe with waste on record cannot be deleted.
create table recipe_waste (
    restaurant_id  uuid not null,
    waste_id       uuid not null,
    recipe_id      uuid not null,
    waste_date     date not null,
    quantity       numeric not null check (quantity > 0),
    reason         text not null check (reason in ('spoiled', 'expired', 'over_production', 'trim',
                                                   'dropped', 'returned', 'staff_meal', 'other')),
    note           text check (length(note) <= 500),
    recorded_by    uuid,
    recorded_at    timestamptz not null default now(),
    primary key (restaurant_id, waste_id),
    foreign key (restaurant_id, recipe_id) references recipes on delete restrict
);
create index recipe_waste_date_idx on recipe_waste (restaurant_id, waste_date);

-- The allergens an ingredient declares, once someone has reviewed it. No
-- row means not reviewed (unknown), which is not the same as "none": an
-- allergen sheet says which dishes rest on unreviewed ingredients.
create table ingredient_allergens (
    restaurant_id  uuid not null,
    ingredient_id  uuid not null,
    allergens      text[] not null check (allergens <@ array['gluten', 'crustaceans', 'eggs',
                       'fish', 'peanuts', 'soy', 'milk', 'tree_nuts', 'celery', 'mustard',
                       'sesame', 'sulphites', 'lupin', 'molluscs', 'wheat']),
    reviewed_by    uuid,
    reviewed_at    timestamptz not null default now(),
    primary key (restaurant_id, ingredient_id),
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade
);

-- What share of an ingredient as purchased survives a preparation
-- ("onion, diced: 0.70"). A recipe line naming the preparation needs
-- quantity ÷ share as purchased; a yield in use cannot be removed.
create table ingredient_yields (
    restaurant_id  uuid not null,
    ingredient_id  uuid not null,
    action         text not null check (length(action) between 1 and 60),
    action_key     text not null,
    edible_share   numeric not null check (edible_share > 0 and edible_share <= 1),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, ingredient_id, action_key),
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade
);
alter table recipe_lines add column prep_key text;
alter table recipe_lines add constraint recipe_lines_prep_of_ingredient
    check (prep_key is null or ingredient_id is not null);
alter table recipe_lines add constraint recipe_lines_prep_yield
    foreign key (restaurant_id, ingredient_id, prep_key)
    references ingredient_yields (restaurant_id, ingredient_id, action_key) on delete restrict;

alter table ingredient_yields enable row level security;
alter table ingredient_yields force row level security;
create policy tenant_isolation on ingredient_yields
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
create trigger audit after insert or update or delete on ingredient_yields
    for each row execute function flux_audit('ingredient_id', 'action_key');

-- Par levels an operator set for an ingredient (the forecast suggests
-- them otherwise), in its base unit: order when stock is at or below min,
-- up to max.
create table ingredient_pars (
    restaurant_id  uuid not null,
    ingredient_id  uuid not null,
    min_quantity   numeric not null check (min_quantity >= 0),
    max_quantity   numeric not null,
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, ingredient_id),
    foreign key (restaurant_id, ingredient_id) references ingredients on delete cascade,
    constraint ingredient_pars_order check (max_quantity >= min_quantity)
);
alter table ingredient_pars enable row level security;
alter table ingredient_pars force row level security;
create policy tenant_isolation on ingredient_pars
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
create trigger audit after insert or update or delete on ingredient_pars
    for each row execute function flux_audit('ingredient_id');

alter table recipe_waste enable row level security;
alter table recipe_waste force row level security;
create policy tenant_isolation on recipe_waste
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table ingredient_allergens enable row level security;
alter table ingredient_allergens force row level security;
create policy tenant_isolation on ingredient_allergens
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

-- Allergen declarations are safety records and waste is money: who
-- changed what, and when.
create trigger audit after insert or update or delete on recipe_waste
    for each row execute function flux_audit('waste_id');
create trigger audit after insert or update or delete on ingredient_allergens
    for each row execute function flux_audit('ingredient_id');
