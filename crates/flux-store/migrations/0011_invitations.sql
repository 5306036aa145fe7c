-- Invitations: the only way a person becomes a member of a restaurant.
--
-- An owner or manager invites an e-mail address with a role; the invitee
-- receives a link holding a random 256-bit token (only its SHA-256 is
-- stored, as for sessions), and accepting it while logged in with that
-- e-mail creates the membership. Tokens are single-use and expire; resending
-- replaces the token (the old link stops working), revoking ends it.
--
-- A tenant table like any other (row-level security on `restaurant_id`),
-- with one extra read policy: the person accepting is not yet a member, so
-- their transaction names the token's hash in `flux.invitation` and sees
-- exactly that invitation and nothing else.
create table invitations (
    restaurant_id  uuid not null references restaurants on delete cascade,
    invitation_id  uuid not null,
    email          text not null,                -- normalised (lower case)
    role           text not null check (role in ('owner', 'manager', 'chef', 'viewer')),
    token_hash     bytea not null,
    invited_by     uuid references users on delete set null,
    created_at     timestamptz not null default now(),
    sent_at        timestamptz not null default now(),
    expires_at     timestamptz not null,
    accepted_at    timestamptz,
    accepted_by    uuid references users on delete set null,
    revoked_at     timestamptz,
    primary key (restaurant_id, invitation_id)
);
-- One open invitation per address and restaurant.
create unique index invitations_open_email_idx on invitations (restaurant_id, email)
    where accepted_at is null and revoked_at is null;
-- Acceptance finds the invitation by its token alone. Not unique: a unique
-- index must include the distribution column on Citus, and 256 random bits
-- do not collide.
create index invitations_token_idx on invitations (token_hash);

create function flux_current_invitation() returns bytea
    language sql stable
    as $$ select decode(nullif(current_setting('flux.invitation', true), ''), 'hex') $$;

alter table invitations enable row level security;
alter table invitations force row level security;
create policy tenant_isolation on invitations
    using (restaurant_id = flux_current_restaurant())
    with check (restaurant_id = flux_current_restaurant());
create policy invitation_by_token on invitations for select
    using (token_hash = flux_current_invitation());
