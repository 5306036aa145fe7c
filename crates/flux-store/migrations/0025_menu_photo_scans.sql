-- Menu photos read into proposed dishes (the owner confirms them into the
-- menu). A scan keeps the photo (the upright first page, PNG) and what was
-- read, so the page can show them side by side until the owner confirms,
-- and afterwards as a record of where the dishes came from. Not audited:
-- the audit log would copy the photo; the menu changes a confirmation
-- makes are audited on menu_items.
create table menu_photo_scans (
    restaurant_id  uuid not null references restaurants on delete cascade,
    scan_id        uuid not null,
    created_by     uuid references users on delete set null,
    created_at     timestamptz not null default now(),
    engine         text not null check (engine in ('local_ocr', 'vision_model')),
    filename       text not null,
    pages          integer not null check (pages > 0),
    seconds        double precision not null,
    photo          bytea not null,
    items          jsonb not null,
    warnings       jsonb not null default '[]',
    confirmed_at   timestamptz,
    confirmed_by   uuid references users on delete set null,
    primary key (restaurant_id, scan_id)
);

alter table menu_photo_scans enable row level security;
alter table menu_photo_scans force row level security;
create policy tenant_isolation on menu_photo_scans
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
