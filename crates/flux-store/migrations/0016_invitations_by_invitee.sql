-- Erasing an account also erases its address from invitations in
-- restaurants the person never joined. Those rows are other tenants'
-- data, invisible to the erasure job until it knows which restaurants to
-- enter; this policy lets a transaction that names an address (the
-- transaction-local `flux.invitee`) see the invitations sent to it, and
-- nothing else. Changing them still takes the restaurant.
create function flux_current_invitee() returns text
    language sql stable
    as $$ select nullif(current_setting('flux.invitee', true), '') $$;

create policy invitation_by_invitee on invitations for select
    using (email = flux_current_invitee());
