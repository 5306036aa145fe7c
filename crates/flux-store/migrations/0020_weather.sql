-- Daily weather where each restaurant is: observed for past days and
-- forecast for coming ones, from the weather provider or imported from a
-- file. The forecaster reads it as an input and learns each restaurant's
-- effect of rain and of days warmer or colder than the weeks before.
--
-- An imported day is the operator's own measurement: the provider's
-- nightly refresh never overwrites it, an import overwrites anything.
-- Weather is neither personal nor money, and the provider rewrites a
-- month of rows every night, so the table is not audited.
create table weather_days (
    restaurant_id    uuid not null references restaurants on delete cascade,
    date             date not null,
    temperature_c    real check (temperature_c between -90 and 60),
    precipitation_mm real check (precipitation_mm between 0 and 2000),
    source           text not null check (source in ('provider', 'import')),
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, date),
    check (temperature_c is not null or precipitation_mm is not null)
);

alter table weather_days enable row level security;
alter table weather_days force row level security;
create policy tenant_isolation on weather_days
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
