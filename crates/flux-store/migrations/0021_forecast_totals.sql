-- The upper levels of a run's hierarchy: the restaurant total and each
-- category's total per day. The engine forecasts every level on its own
-- and reconciles the means, so a run's dish means add up to its category
-- means and those to the restaurant total (demand_forecasts holds the
-- dishes). Quantiles are each level's own: they do not add up.
create table forecast_totals (
    restaurant_id    uuid not null,
    forecast_run_id  uuid not null,
    level            text not null check (level in ('restaurant', 'category')),
    -- The category's name; '' for the restaurant total.
    name             text not null,
    forecast_date    date not null,
    mean             double precision not null,
    p10              double precision not null,
    p50              double precision not null,
    p90              double precision not null,
    p99              double precision not null,
    primary key (restaurant_id, forecast_run_id, level, name, forecast_date),
    foreign key (restaurant_id, forecast_run_id) references forecast_runs on delete cascade,
    check (level = 'category' or name = '')
);

alter table forecast_totals enable row level security;
alter table forecast_totals force row level security;
create policy tenant_isolation on forecast_totals
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
