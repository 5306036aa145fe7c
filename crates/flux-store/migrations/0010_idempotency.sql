-- Responses to POST requests sent with an `Idempotency-Key` header, kept
-- for 24 hours so that a client retrying after a lost reply gets the reply
-- it missed instead of doing the work twice.
--
-- A key belongs to the user who sent it (like sessions, not to a
-- restaurant: no row-level security, and only the user's own id selects
-- rows). `fingerprint` is the SHA-256 of the request (method, path, query
-- and body); the same key with another fingerprint is refused. A row with
-- no `status` is a request still running: a second request with its key
-- waits for the first instead of running beside it. A running row older
-- than the stale limit belonged to a server that died mid-request and may
-- be taken over.
create table idempotency_keys (
    user_id       uuid not null references users on delete cascade,
    key           text not null,
    fingerprint   bytea,                     -- set when the response is stored
    status        smallint,                  -- null while the request runs
    content_type  text,
    location      text,
    body          bytea,
    created_at    timestamptz not null default now(),
    completed_at  timestamptz,
    primary key (user_id, key)
);
