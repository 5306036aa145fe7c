-- Erasure of an account on its owner's request (GDPR right to erasure).
--
-- Requesting it ends every login at once and sets `erase_after` (30 days
-- on): logging in before then cancels it. When it passes, a job removes
-- the person's memberships, scrubs their address from the audit log's
-- copies of invitations, and deletes the account (sessions, tokens and
-- idempotency keys go with it). Restaurant data stays with the
-- restaurant; audit entries keep the erased account's id, which no longer
-- names anyone.
alter table users add column erase_after timestamptz;
