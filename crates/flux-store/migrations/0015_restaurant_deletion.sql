-- Deleting a restaurant on its owner's request, with a grace period.
--
-- Requesting it sets `delete_after` (30 days on) and queues the
-- `delete_restaurant` job for then; an owner can cancel until it runs.
-- The job deletes every row of the restaurant in every tenant table (the
-- sales tables have no foreign key to `restaurants`, and some keys within
-- the kitchen restrict deletion, so it goes table by table, children
-- first), then the restaurant row, then its audit log, in one transaction.
alter table restaurants add column delete_after timestamptz;
