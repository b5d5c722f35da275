-- Owner: webhook package. Every event any capability emits, written in the transaction of its cause.
CREATE TABLE webhook_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    payload    JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_events_type_idx ON webhook_events (type, id);
