-- Foundation: accounts, restaurants (the tenants), memberships, settings,
-- operating hours and menu items.
--
-- Conventions (see docs/ARCHITECTURE.md):
-- * every tenant table has `restaurant_id` as the first column of its
--   primary key, so the schema distributes on Citus by `restaurant_id`
--   (`users` and `refresh_tokens` would be reference/local tables);
-- * uuid keys named `<table>_id`, `timestamptz` for every instant,
--   `created_at`/`updated_at` on every row;
-- * row-level security is enabled *and forced* on every tenant table. The
--   server connects as `flux_app`, which owns nothing and cannot bypass RLS,
--   and sets `flux.restaurant_id` / `flux.user_id` per transaction.

-- The application role. The private cluster creates it with LOGIN; on an
-- external server it is created here (NOLOGIN) and the server uses
-- `SET ROLE flux_app` after connecting (see flux-store/src/pool.rs).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'flux_app') then
        create role flux_app nologin nosuperuser nobypassrls;
    end if;
end
$$;

grant usage on schema public to flux_app;
alter default privileges in schema public
    grant select, insert, update, delete on tables to flux_app;

-- The tenant and user of the current transaction; NULL when unset, which
-- matches no row, so a forgotten `set_config` fails closed.
create function flux_current_restaurant() returns uuid
    language sql stable
    as $$ select nullif(current_setting('flux.restaurant_id', true), '')::uuid $$;

create function flux_current_user() returns uuid
    language sql stable
    as $$ select nullif(current_setting('flux.user_id', true), '')::uuid $$;

create table users (
    user_id       uuid primary key,
    email         text not null unique,          -- normalised (lower-case) by the application
    password_hash text not null,                 -- argon2id PHC string
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

-- Refresh tokens are stored only as SHA-256 hashes. Each login starts a
-- family; every refresh marks the presented token used and issues a new
-- one in the same family. Presenting a used token again means it leaked:
-- the whole family is revoked.
create table refresh_tokens (
    token_hash  bytea primary key,
    user_id     uuid not null references users on delete cascade,
    family_id   uuid not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz not null default now()
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_user_idx on refresh_tokens (user_id);

-- Failed-login counters per account and per client address, shared by all
-- server instances through the database.
create table auth_throttle (
    throttle_key  text primary key,               -- 'email:<addr>' or 'ip:<addr>'
    failures      integer not null,
    window_start  timestamptz not null,
    locked_until  timestamptz,
    updated_at    timestamptz not null default now()
);

create table restaurants (
    restaurant_id uuid primary key,
    name          text not null,
    timezone      text not null,                  -- IANA zone, validated by the application
    currency      char(3) not null,               -- ISO 4217
    locale        text not null,                  -- BCP 47, e.g. 'es-ES'
    created_by    uuid not null references users,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table memberships (
    restaurant_id uuid not null references restaurants on delete cascade,
    user_id       uuid not null references users on delete cascade,
    role          text not null check (role in ('owner', 'manager', 'chef', 'viewer')),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (restaurant_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table settings (
    restaurant_id uuid not null references restaurants on delete cascade,
    key           text not null,
    value         jsonb not null,
    updated_at    timestamptz not null default now(),
    primary key (restaurant_id, key)
);

-- Closed weekdays have no rows. day_of_week: 0 = Monday ... 6 = Sunday.
create table operating_hours (
    restaurant_id uuid not null references restaurants on delete cascade,
    day_of_week   smallint not null check (day_of_week between 0 and 6),
    position      smallint not null,
    open_time     time not null,
    close_time    time not null,                  -- <= open_time: runs past midnight
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (restaurant_id, day_of_week, position)
);

create table menu_items (
    restaurant_id uuid not null references restaurants on delete cascade,
    menu_item_id  uuid not null,
    name          text not null,
    name_key      text not null,                  -- trimmed, collapsed, lower-cased: uniqueness and import matching
    category      text,
    price         numeric(12, 2),
    active        boolean not null default true,
    auto_created  boolean not null default false, -- created by a sales import, not by a person
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (restaurant_id, menu_item_id),
    constraint menu_items_name_key_unique unique (restaurant_id, name_key)
);
create index menu_items_category_idx on menu_items (restaurant_id, category);

-- Row-level security ------------------------------------------------------

alter table restaurants enable row level security;
alter table restaurants force row level security;
-- A user sees the restaurants they belong to (for the switcher) ...
create policy restaurants_read on restaurants for select
    using (restaurant_id = flux_current_restaurant()
           or exists (select 1 from memberships m
                      where m.restaurant_id = restaurants.restaurant_id
                        and m.user_id = flux_current_user()));
-- ... but writes only ever touch the transaction's tenant.
create policy restaurants_write on restaurants for all
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_read on memberships for select
    using (restaurant_id = flux_current_restaurant() or user_id = flux_current_user());
create policy memberships_write on memberships for all
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table settings enable row level security;
alter table settings force row level security;
create policy tenant_isolation on settings
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table operating_hours enable row level security;
alter table operating_hours force row level security;
create policy tenant_isolation on operating_hours
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

alter table menu_items enable row level security;
alter table menu_items force row level security;
create policy tenant_isolation on menu_items
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
