-- Labor: roles (stations) with their wage and labor standard, staff (a
-- staff record need not be a login), what each person can work and when,
-- time off, the restaurant's scheduling and overtime rules, the week's
-- shifts, and clocked time. Every table is keyed by restaurant_id first
-- (row-level security, Citus co-location); everything that decides pay is
-- audited.

create table labor_roles (
    restaurant_id        uuid not null references restaurants on delete cascade,
    role_id              uuid not null,
    name                 text not null check (length(name) between 1 and 80),
    -- Wage per hour for the role unless a person's own rate says otherwise.
    hourly_wage          numeric(10, 2) not null check (hourly_wage >= 0),
    -- The labor standard: what the role's workload follows, and how many
    -- units one person handles in an hour (0: staffed at the minimum only).
    driver               text not null check (driver in ('items', 'covers')),
    per_labor_hour       numeric(10, 2) not null default 0 check (per_labor_hour >= 0),
    min_staff            integer not null default 0 check (min_staff between 0 and 100),
    before_open_minutes  integer not null default 0 check (before_open_minutes between 0 and 240),
    after_close_minutes  integer not null default 0 check (after_close_minutes between 0 and 240),
    position             integer not null default 0,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    primary key (restaurant_id, role_id)
);
create unique index labor_roles_name_idx on labor_roles (restaurant_id, lower(name));

create table staff (
    restaurant_id       uuid not null references restaurants on delete cascade,
    staff_id            uuid not null,
    name                text not null check (length(name) between 1 and 120),
    email               text,
    -- Optional link to a login: that user then sees their own shifts and pay.
    user_id             uuid references users on delete set null,
    contracted_minutes  integer check (contracted_minutes between 0 and 10080),
    max_week_minutes    integer check (max_week_minutes between 0 and 10080),
    active              boolean not null default true,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (restaurant_id, staff_id)
);
create unique index staff_user_idx on staff (restaurant_id, user_id) where user_id is not null;

create table staff_roles (
    restaurant_id  uuid not null,
    staff_id       uuid not null,
    role_id        uuid not null,
    -- The person's own rate in the role; null: the role's wage.
    hourly_wage    numeric(10, 2) check (hourly_wage >= 0),
    primary key (restaurant_id, staff_id, role_id),
    foreign key (restaurant_id, staff_id) references staff on delete cascade,
    foreign key (restaurant_id, role_id) references labor_roles on delete cascade
);

-- Weekly availability; end at or before start runs past midnight.
create table staff_availability (
    restaurant_id  uuid not null,
    staff_id       uuid not null,
    day_of_week    smallint not null check (day_of_week between 0 and 6),
    position       smallint not null,
    start_time     time not null,
    end_time       time not null,
    primary key (restaurant_id, staff_id, day_of_week, position),
    foreign key (restaurant_id, staff_id) references staff on delete cascade
);

create table time_off (
    restaurant_id  uuid not null,
    time_off_id    uuid not null,
    staff_id       uuid not null,
    starts_on      date not null,
    ends_on        date not null,
    reason         text not null default '',
    status         text not null default 'pending' check (status in ('pending', 'approved', 'denied')),
    requested_by   uuid references users on delete set null,
    decided_by     uuid references users on delete set null,
    decided_at     timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, time_off_id),
    foreign key (restaurant_id, staff_id) references staff on delete cascade,
    check (ends_on >= starts_on)
);

create table labor_rules (
    restaurant_id            uuid primary key references restaurants on delete cascade,
    min_shift_minutes        integer not null,
    max_shift_minutes        integer not null,
    max_week_minutes         integer not null,
    min_rest_minutes         integer not null,
    break_after_minutes      integer not null,
    break_minutes            integer not null,
    overtime_daily_minutes   integer,
    overtime_weekly_minutes  integer,
    overtime_multiplier      numeric(4, 2) not null,
    -- Busy hours are staffed for this quantile of the hourly forecast.
    service_level            numeric(3, 2) not null,
    understaffing_penalty    numeric(10, 2) not null,
    updated_at               timestamptz not null default now()
);

-- A week's schedule state; its shifts are below.
create table schedule_weeks (
    restaurant_id  uuid not null references restaurants on delete cascade,
    week_start     date not null check (extract(isodow from week_start) = 1),
    built_at       timestamptz,
    published_at   timestamptz,
    published_by   uuid references users on delete set null,
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, week_start)
);

create table shifts (
    restaurant_id  uuid not null,
    shift_id       uuid not null,
    week_start     date not null,
    staff_id       uuid not null,
    role_id        uuid not null,
    starts_at      timestamptz not null,
    ends_at        timestamptz not null,
    break_minutes  integer not null default 0 check (break_minutes >= 0),
    source         text not null check (source in ('built', 'manual', 'copied')),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, shift_id),
    foreign key (restaurant_id, week_start) references schedule_weeks on delete cascade,
    foreign key (restaurant_id, staff_id) references staff on delete cascade,
    foreign key (restaurant_id, role_id) references labor_roles on delete cascade,
    check (ends_at > starts_at)
);
create index shifts_week_idx on shifts (restaurant_id, week_start);

create table time_entries (
    restaurant_id  uuid not null,
    entry_id       uuid not null,
    staff_id       uuid not null,
    clock_in       timestamptz not null,
    clock_out      timestamptz,
    break_minutes  integer not null default 0 check (break_minutes >= 0),
    source         text not null check (source in ('clock', 'manual')),
    created_by     uuid references users on delete set null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (restaurant_id, entry_id),
    foreign key (restaurant_id, staff_id) references staff on delete cascade,
    check (clock_out is null or clock_out > clock_in)
);
-- One open entry per person: clocking in twice is refused.
create unique index time_entries_open_idx on time_entries (restaurant_id, staff_id) where clock_out is null;
create index time_entries_in_idx on time_entries (restaurant_id, clock_in);

do $$
declare
    t text;
begin
    foreach t in array array['labor_roles', 'staff', 'staff_roles', 'staff_availability', 'time_off',
                             'labor_rules', 'schedule_weeks', 'shifts', 'time_entries'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I
                            using (restaurant_id = flux_current_restaurant())
                            with check (restaurant_id = flux_current_restaurant())', t);
    end loop;
end
$$;

create trigger audit after insert or update or delete on labor_roles
    for each row execute function flux_audit('role_id');
create trigger audit after insert or update or delete on staff
    for each row execute function flux_audit('staff_id');
create trigger audit after insert or update or delete on staff_roles
    for each row execute function flux_audit('staff_id', 'role_id');
create trigger audit after insert or update or delete on time_off
    for each row execute function flux_audit('time_off_id');
create trigger audit after insert or update or delete on labor_rules
    for each row execute function flux_audit('restaurant_id');
create trigger audit after insert or update or delete on schedule_weeks
    for each row execute function flux_audit('week_start');
create trigger audit after insert or update or delete on shifts
    for each row execute function flux_audit('shift_id');
create trigger audit after insert or update or delete on time_entries
    for each row execute function flux_audit('entry_id');
