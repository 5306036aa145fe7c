-- How the forecasts did, night after night: each nightly run scores the
-- stored forecasts of the trailing weeks against what was then sold and
-- keeps the result here, one row per restaurant and local day, so the
-- model card can show whether accuracy holds, improves or slips.
create table forecast_accuracy_history (
    restaurant_id   uuid not null references restaurants on delete cascade,
    measured_on     date not null,               -- the restaurant's local day of the run
    window_days     smallint not null check (window_days > 0),
    dish_days       integer not null check (dish_days >= 0),
    mae             double precision not null,
    mase            double precision,
    scaled_pinball  double precision,
    coverage_80     double precision,
    bias            double precision,
    created_at      timestamptz not null default now(),
    primary key (restaurant_id, measured_on)
);

alter table forecast_accuracy_history enable row level security;
alter table forecast_accuracy_history force row level security;
create policy tenant_isolation on forecast_accuracy_history
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
