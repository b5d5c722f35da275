-- The retention purge deletes events none of whose messages remain; this index keeps that a probe.
CREATE INDEX webhook_messages_event_idx ON webhook_messages (event_pk);
-- And finds old delivered messages without walking the whole table.
CREATE INDEX webhook_messages_delivered_idx ON webhook_messages (delivered_at) WHERE status = 'delivered';
