-- The audit log: who changed what, when, with the row before and after.
--
-- Written by triggers, so no write path can forget it: every insert,
-- update and delete of the tables people edit (the restaurant, members,
-- invitations, settings, hours, menu, aliases, mappings, ingredients and
-- their costs, recipes, suppliers and offers, stock events, purchase
-- orders, prep counts, forecast feedback) and every upload and forecast
-- run (one row each). The bulk rows those two produce (sale lines, daily
-- totals, orders, forecast values) are not logged row by row: the upload
-- or run that wrote them is, and undo is an update of the upload.
--
-- `actor` is `flux.user_id` of the writing transaction (null: the system,
-- such as the nightly forecast, which acts as the nil user). Secrets (token hashes) are never copied.
-- An update that changes nothing but `updated_at` is not logged.
--
-- No foreign key to `restaurants`: rows deleted together with their
-- restaurant would otherwise fail their own log entries; deleting a
-- restaurant deletes its log explicitly. Entries older than the
-- restaurant's `audit_retention_days` setting are swept nightly.
create table audit_log (
    restaurant_id  uuid not null,
    audit_id       bigint generated always as identity,
    at             timestamptz not null default clock_timestamp(),
    actor          uuid,
    action         text not null check (action in ('insert', 'update', 'delete')),
    entity         text not null,
    entity_key     jsonb not null,
    before         jsonb,
    after          jsonb,
    primary key (restaurant_id, audit_id)
);
create index audit_log_at_idx on audit_log (restaurant_id, at);

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy tenant_isolation on audit_log
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());

-- The trigger's arguments name the primary-key columns after
-- `restaurant_id`, which become `entity_key`.
create function flux_audit() returns trigger
    language plpgsql
    as $$
declare
    old_row jsonb;
    new_row jsonb;
    subject jsonb;
    entity_key jsonb := '{}';
    col text;
begin
    if TG_OP <> 'INSERT' then
        old_row := to_jsonb(OLD) - 'token_hash';
    end if;
    if TG_OP <> 'DELETE' then
        new_row := to_jsonb(NEW) - 'token_hash';
    end if;
    if TG_OP = 'UPDATE' and (old_row - 'updated_at') = (new_row - 'updated_at') then
        return null;
    end if;
    subject := coalesce(new_row, old_row);
    foreach col in array TG_ARGV loop
        entity_key := entity_key || jsonb_build_object(col, subject -> col);
    end loop;
    insert into audit_log (restaurant_id, actor, action, entity, entity_key, before, after)
    values ((subject ->> 'restaurant_id')::uuid,
            nullif(flux_current_user(), '00000000-0000-0000-0000-000000000000'::uuid), lower(TG_OP),
            TG_TABLE_NAME, entity_key, old_row, new_row);
    return null;
end
$$;

do $$
declare
    audited text[][] := array[
        ['memberships', 'user_id'],
        ['invitations', 'invitation_id'],
        ['settings', 'key'],
        ['operating_hours', 'day_of_week,position'],
        ['menu_items', 'menu_item_id'],
        ['menu_item_aliases', 'alias_key'],
        ['upload_mappings', 'headers_key'],
        ['data_uploads', 'upload_id'],
        ['forecast_runs', 'forecast_run_id'],
        ['forecast_feedback', 'feedback_id'],
        ['ingredients', 'ingredient_id'],
        ['ingredient_costs', 'ingredient_id,effective_from'],
        ['recipes', 'recipe_id'],
        ['recipe_lines', 'recipe_id,line_no'],
        ['suppliers', 'supplier_id'],
        ['supplier_offers', 'supplier_id,ingredient_id'],
        ['stock_events', 'event_id'],
        ['purchase_orders', 'purchase_order_id'],
        ['purchase_order_lines', 'purchase_order_id,line_no'],
        ['prep_counts', 'count_id']
    ];
    entry text[];
    args text;
begin
    foreach entry slice 1 in array audited loop
        select string_agg(quote_literal(c), ', ') into args
        from unnest(string_to_array(entry[2], ',')) as c;
        execute format('create trigger audit after insert or update or delete on %I
                        for each row execute function flux_audit(%s)', entry[1], args);
    end loop;
end
$$;

-- A restaurant's own row: created and changed, never deleted with a log
-- entry (its deletion removes the log).
create trigger audit after insert or update on restaurants
    for each row execute function flux_audit('restaurant_id');
