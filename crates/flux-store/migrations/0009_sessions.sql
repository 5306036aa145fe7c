-- Dashboard sessions, stored server-side so that logging out really ends
-- one and "log out everywhere" ends them all.
--
-- The browser's cookie carries a random 256-bit secret; only its SHA-256
-- is stored here, so a copy of this table cannot be replayed as cookies.
-- Like `refresh_tokens`, sessions belong to a user, not a restaurant: no
-- row-level security (the dashboard checks a session before any tenant is
-- known), and only the session's own hash or its user's id selects rows.
--
-- Ending a session deletes its row; a cookie whose row is gone, or past
-- `expires_at`, is anonymous again. Expired rows are swept when their user
-- next logs in.
create table sessions (
    token_hash  bytea primary key,
    user_id     uuid not null references users on delete cascade,
    expires_at  timestamptz not null,
    created_at  timestamptz not null default now()
);
-- "Log out everywhere" and the sweep at login find a user's sessions.
create index sessions_user_idx on sessions (user_id);
