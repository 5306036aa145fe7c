-- Demand forecasts, their runs, feedback on them, and the job queue that
-- produces them nightly and after every import.

create table forecast_runs (
    restaurant_id    uuid not null references restaurants on delete cascade,
    forecast_run_id  uuid not null,
    model            text not null,               -- seasonal-naive | seed | production
    model_version    text not null,               -- flux version that produced it
    parameters       jsonb not null,
    trigger          text not null check (trigger in ('api', 'nightly', 'import', 'cli')),
    as_of            date not null,               -- first forecast day; history strictly before it
    horizon_days     integer not null,
    status           text not null check (status in ('completed', 'failed')),
    items            integer not null,
    load_ms          bigint not null,
    engine_ms        bigint not null,
    store_ms         bigint not null,
    error            text,
    created_by       uuid references users,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, forecast_run_id)
);

-- One row per dish and day of a run (the seed's demand_forecasts).
create table demand_forecasts (
    restaurant_id    uuid not null,
    forecast_run_id  uuid not null,
    menu_item_id     uuid not null,
    forecast_date    date not null,
    mean             double precision not null,
    p10              double precision not null,
    p50              double precision not null,
    p90              double precision not null,
    p99              double precision not null,
    confidence       real not null,
    explanation      jsonb not null,               -- structured components
    explanation_text text not null,                -- "Friday 1.4x, recent level 18/day"
    primary key (restaurant_id, forecast_run_id, menu_item_id, forecast_date),
    foreign key (restaurant_id, forecast_run_id) references forecast_runs on delete cascade
);

-- Seed workflow 5: a person marks a forecast too high or too low.
create table forecast_feedback (
    restaurant_id    uuid not null references restaurants on delete cascade,
    feedback_id      uuid not null,
    menu_item_id     uuid not null,
    forecast_date    date not null,
    forecast_run_id  uuid,
    verdict          text not null check (verdict in ('too_high', 'too_low', 'about_right')),
    note             text,
    user_id          uuid references users,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    primary key (restaurant_id, feedback_id),
    foreign key (restaurant_id, menu_item_id) references menu_items on delete cascade
);

do $$
declare t text;
begin
    foreach t in array array['forecast_runs', 'demand_forecasts', 'forecast_feedback']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I
                            using (restaurant_id = flux_current_restaurant())
                            with check (restaurant_id = flux_current_restaurant())', t);
    end loop;
end
$$;

-- Durable jobs shared by every `flux serve` instance. Claimed with
-- `FOR UPDATE SKIP LOCKED`, so two workers never run one job; a worker that
-- dies leaves `locked_until` to expire and the job is retried. The queue
-- holds only ids in `payload` (no tenant data), so it is a global table:
-- each job runs inside its own restaurant's tenant transaction.
create table jobs (
    job_id        uuid primary key,
    kind          text not null,
    payload       jsonb not null,
    dedupe_key    text,                          -- at most one queued job per key
    run_at        timestamptz not null default now(),
    status        text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
    attempts      integer not null default 0,
    max_attempts  integer not null default 5,
    locked_until  timestamptz,
    last_error    text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index jobs_due_idx on jobs (run_at) where status in ('queued', 'running');
create unique index jobs_dedupe_idx on jobs (dedupe_key) where status = 'queued';
