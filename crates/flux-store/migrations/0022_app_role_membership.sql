-- On an external server Flux connects as the schema owner and drops to
-- `flux_app` with `SET ROLE` (flux-store/src/pool.rs). That needs the owner
-- to be a member of `flux_app`: a superuser always may, but an ordinary
-- owner with CREATEROLE (a managed database's admin user) is not a member
-- of the role it created, and every connection failed with "permission
-- denied to set role". Grant it here, once, by whoever runs migrations.
-- The private cluster's superuser gets the same grant; it changes nothing
-- for it.
do $$
begin
    if not pg_has_role(current_user, 'flux_app', 'member') then
        execute format('grant flux_app to %I', current_user);
    end if;
end
$$;
