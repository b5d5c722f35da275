-- One chain transaction now carries the memos of several operations (one memo instruction each,
-- under one signature), so several attempt rows share a signature: the rows of one signature are
-- exactly the operations packed into that transaction, which lets any relay rebuild its bytes.
ALTER TABLE chain_operation_attempts DROP CONSTRAINT chain_operation_attempts_signature_key;
CREATE INDEX chain_operation_attempts_signature_idx ON chain_operation_attempts (signature);
