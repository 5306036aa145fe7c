-- Distributes a migrated Flux database over a Citus cluster: every tenant
-- table sharded by restaurant_id and co-located with `restaurants`, so
-- one restaurant's rows, and every join between them, live on one node.
-- Run once, as the schema owner on the coordinator, after `flux migrate`
-- and before the data grows (distributing copies existing rows). Read
-- docs/distribution.md first: this script has not been run against a
-- Citus server by Flux's own tests, which check its preconditions instead
-- (crates/flux-api/tests/api/distribution.rs).

begin;

-- Users are read by every node (memberships, audit, uploads refer to
-- them) and written rarely: a reference table, copied to every node.
select create_reference_table('users');

-- The tenant root first, then tables in foreign-key order (a table is
-- distributed after the tables it refers to).
select create_distributed_table('restaurants', 'restaurant_id', shard_count => 64);

select create_distributed_table(t, 'restaurant_id', colocate_with => 'restaurants')
from unnest(array[
    -- refer to restaurants (and users) only
    'memberships', 'settings', 'operating_hours', 'menu_items', 'ingredients',
    'suppliers', 'forecast_runs', 'data_uploads', 'upload_mappings',
    'restaurant_events', 'weather_days', 'forecast_accuracy_history',
    'menu_photo_scans', 'labor_roles', 'staff', 'labor_rules', 'schedule_weeks',
    'invitations', 'audit_log', 'daily_item_sales', 'transaction_items',
    'transactions', 'duplicate_lines',
    -- refer to the tables above
    'menu_item_aliases', 'recipes', 'stockouts', 'forecast_feedback',
    'recipe_suggestions', 'staff_roles', 'staff_availability', 'time_off',
    'time_entries', 'shifts',
    'forecast_overrides', 'demand_forecasts', 'forecast_totals',
    'ingredient_costs', 'supplier_offers', 'stock_events', 'purchase_orders',
    'ingredient_yields', 'ingredient_pars', 'stock_transfers',
    -- refer to those
    'recipe_lines', 'prep_counts', 'purchase_order_lines', 'recipe_waste',
    'ingredient_allergens', 'supplier_invoices', 'stock_transfer_lines',
    -- and the last
    'supplier_invoice_lines'
]) as t;

-- Left on the coordinator as ordinary tables: the job queue (`jobs`),
-- logins and their throttles (`sessions`, `refresh_tokens`,
-- `auth_throttle`), `idempotency_keys` and `_sqlx_migrations`. They hold
-- no restaurant's data and are written on every login or job; their
-- foreign keys to `users` need the coordinator in Citus's metadata
-- (`citus_set_coordinator_host`).

commit;
