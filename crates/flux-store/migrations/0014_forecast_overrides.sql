-- A person's override of a forecast: human oversight of the model.
--
-- One override per dish and day sets the median that every reader of the
-- newest run uses (prep list, purchasing, costing, the API); the rest of
-- the distribution moves with it (`flux_domain::forecast::Quantiles::
-- overridden`). It outlives runs: tomorrow's nightly run does not undo
-- what a manager decided for Saturday. `model_p50` keeps what the model
-- said when the override was made, so the two can be scored against what
-- was sold. Every change is in the audit log (trigger below); removing
-- the override restores the model's forecast.
create table forecast_overrides (
    restaurant_id    uuid not null references restaurants on delete cascade,
    menu_item_id     uuid not null,
    forecast_date    date not null,
    quantity         numeric(12, 3) not null check (quantity >= 0),
    reason           text not null,
    model_p50        double precision,
    forecast_run_id  uuid,
    user_id          uuid references users on delete set null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, menu_item_id, forecast_date),
    foreign key (restaurant_id, menu_item_id) references menu_items on delete cascade
);

alter table forecast_overrides enable row level security;
alter table forecast_overrides force row level security;
create policy tenant_isolation on forecast_overrides
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

create trigger audit after insert or update or delete on forecast_overrides
    for each row execute function flux_audit('menu_item_id', 'forecast_date');
