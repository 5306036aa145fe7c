-- Starter recipes a model proposed for dishes the built-in library does
-- not know. Always suggestions: the recipe queue shows them beside the
-- dish until a chef writes or confirms the recipe. A menu photo scan keeps
-- the model's ideas for its dishes (by name key) until it is confirmed.
create table recipe_suggestions (
    restaurant_id  uuid not null,
    menu_item_id   uuid not null,
    source         text not null check (source in ('model')),
    lines          jsonb not null,
    created_at     timestamptz not null default now(),
    primary key (restaurant_id, menu_item_id),
    foreign key (restaurant_id, menu_item_id)
        references menu_items (restaurant_id, menu_item_id) on delete cascade
);

alter table recipe_suggestions enable row level security;
alter table recipe_suggestions force row level security;
create policy tenant_isolation on recipe_suggestions
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table menu_photo_scans
    add column recipe_ideas jsonb not null default '{}';
