-- Owner: ratelimit package. Bucket4j's token-bucket state per API key, shared by every instance.
CREATE TABLE rate_limit_buckets (
    id         BIGINT PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
