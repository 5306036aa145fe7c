-- The restaurant's own calendar of events that move demand (a festival,
-- a match at the stadium next door, the street market). The forecaster
-- reads every day of every event as a special day labelled with the
-- event's name: each name's effect is learnt from its past occurrences,
-- pooled with the other events, and applied to its next ones.
create table restaurant_events (
    restaurant_id  uuid not null references restaurants on delete cascade,
    event_id       uuid not null,
    name           text not null,
    starts_on      date not null,
    ends_on        date not null,
    created_by     uuid references users on delete set null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, event_id),
    check (ends_on >= starts_on and ends_on - starts_on < 31)
);

alter table restaurant_events enable row level security;
alter table restaurant_events force row level security;
create policy tenant_isolation on restaurant_events
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

create trigger audit after insert or update or delete on restaurant_events
    for each row execute function flux_audit('event_id');
