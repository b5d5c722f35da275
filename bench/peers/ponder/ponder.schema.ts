import { index, onchainTable, primaryKey } from "ponder";

// The tables chainsync's Intuition ingest keeps (migrations V10, V11, V14 of chainsync-core), with
// the same names and columns, so the two can be compared row by row. Amounts are uint256 kept
// exactly (NUMERIC(78,0)); market caps are exact decimals (NUMERIC). The source-stream columns of
// chainsync's event tables (Redis entry ids, network, created_at) have no counterpart here.

export const atom_created_events = onchainTable(
  "atom_created_events",
  (t) => ({
    transaction_hash: t.hex().notNull(),
    log_index: t.integer().notNull(),
    creator: t.hex().notNull(),
    term_id: t.hex().notNull(),
    atom_data: t.text(),
    raw_data: t.hex().notNull(),
    atom_wallet: t.hex().notNull(),
    address: t.hex().notNull(),
    block_hash: t.hex().notNull(),
    block_number: t.bigint().notNull(),
    chain_id: t.integer().notNull(),
    transaction_index: t.integer().notNull(),
    block_timestamp: t.timestamp({ withTimezone: true }).notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.transaction_hash, table.log_index] }) }),
);

export const triple_created_events = onchainTable(
  "triple_created_events",
  (t) => ({
    transaction_hash: t.hex().notNull(),
    log_index: t.integer().notNull(),
    creator: t.hex().notNull(),
    term_id: t.hex().notNull(),
    subject_id: t.hex().notNull(),
    predicate_id: t.hex().notNull(),
    object_id: t.hex().notNull(),
    counter_term_id: t.hex().notNull(),
    address: t.hex().notNull(),
    block_hash: t.hex().notNull(),
    block_number: t.bigint().notNull(),
    chain_id: t.integer().notNull(),
    transaction_index: t.integer().notNull(),
    block_timestamp: t.timestamp({ withTimezone: true }).notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.transaction_hash, table.log_index] }) }),
);

export const deposited_events = onchainTable(
  "deposited_events",
  (t) => ({
    transaction_hash: t.hex().notNull(),
    log_index: t.integer().notNull(),
    sender: t.hex().notNull(),
    receiver: t.hex().notNull(),
    term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    assets: t.bigint().notNull(),
    assets_after_fees: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    total_shares: t.bigint().notNull(),
    vault_type: t.integer().notNull(),
    address: t.hex().notNull(),
    block_hash: t.hex().notNull(),
    block_number: t.bigint().notNull(),
    chain_id: t.integer().notNull(),
    transaction_index: t.integer().notNull(),
    block_timestamp: t.timestamp({ withTimezone: true }).notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.transaction_hash, table.log_index] }) }),
);

export const redeemed_events = onchainTable(
  "redeemed_events",
  (t) => ({
    transaction_hash: t.hex().notNull(),
    log_index: t.integer().notNull(),
    sender: t.hex().notNull(),
    receiver: t.hex().notNull(),
    term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    total_shares: t.bigint().notNull(),
    assets: t.bigint().notNull(),
    fees: t.bigint().notNull(),
    vault_type: t.integer().notNull(),
    address: t.hex().notNull(),
    block_hash: t.hex().notNull(),
    block_number: t.bigint().notNull(),
    chain_id: t.integer().notNull(),
    transaction_index: t.integer().notNull(),
    block_timestamp: t.timestamp({ withTimezone: true }).notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.transaction_hash, table.log_index] }) }),
);

export const share_price_changed_events = onchainTable(
  "share_price_changed_events",
  (t) => ({
    transaction_hash: t.hex().notNull(),
    log_index: t.integer().notNull(),
    term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    share_price: t.bigint().notNull(),
    total_assets: t.bigint().notNull(),
    total_shares: t.bigint().notNull(),
    vault_type: t.integer().notNull(),
    address: t.hex().notNull(),
    block_hash: t.hex().notNull(),
    block_number: t.bigint().notNull(),
    chain_id: t.integer().notNull(),
    transaction_index: t.integer().notNull(),
    block_timestamp: t.timestamp({ withTimezone: true }).notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.transaction_hash, table.log_index] }) }),
);

// Level 1 -------------------------------------------------------------------------------------

export const atom = onchainTable("atom", (t) => ({
  term_id: t.hex().primaryKey(),
  creator_id: t.hex().notNull(),
  wallet_id: t.hex().notNull(),
  data: t.text(),
  raw_data: t.hex().notNull(),
  transaction_hash: t.hex().notNull(),
  last_event_block: t.bigint().notNull(),
  last_event_log_index: t.integer().notNull(),
  created_at: t.timestamp({ withTimezone: true }), // block time of the creation
}));

export const triple = onchainTable(
  "triple",
  (t) => ({
    term_id: t.hex().primaryKey(),
    counter_term_id: t.hex().notNull(),
    creator_id: t.hex().notNull(),
    subject_id: t.hex().notNull(),
    predicate_id: t.hex().notNull(),
    object_id: t.hex().notNull(),
    transaction_hash: t.hex().notNull(),
    last_event_block: t.bigint().notNull(),
    last_event_log_index: t.integer().notNull(),
    created_at: t.timestamp({ withTimezone: true }),
  }),
  (table) => ({ counterIdx: index().on(table.counter_term_id) }),
);

// Ponder reads rows by primary key only: this finds a counter term's triple (chainsync uses an
// index on triple.counter_term_id).
export const counter_triple = onchainTable("counter_triple", (t) => ({
  counter_term_id: t.hex().primaryKey(),
  term_id: t.hex().notNull(),
}));

export const position = onchainTable(
  "position",
  (t) => ({
    account_id: t.hex().notNull(),
    term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    shares: t.bigint().notNull(),
    total_deposit_assets_after_total_fees: t.bigint().notNull(),
    total_redeem_assets_for_receiver: t.bigint().notNull(),
    block_number: t.bigint().notNull(),
    log_index: t.integer().notNull(),
    transaction_hash: t.hex().notNull(),
    transaction_index: t.integer().notNull(),
    created_at: t.timestamp({ withTimezone: true }),
    updated_at: t.timestamp({ withTimezone: true }),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.account_id, table.term_id, table.curve_id] }),
    vaultIdx: index().on(table.term_id, table.curve_id),
  }),
);

export const vault = onchainTable(
  "vault",
  (t) => ({
    term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    total_shares: t.bigint().notNull(),
    current_share_price: t.bigint().notNull(),
    total_assets: t.bigint().notNull(),
    market_cap: t.numeric().notNull(),
    position_count: t.integer().notNull(),
    vault_type: t.integer(),
    last_price_event_block: t.bigint(),
    last_price_event_log_index: t.integer(),
    created_at: t.timestamp({ withTimezone: true }),
    updated_at: t.timestamp({ withTimezone: true }),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.term_id, table.curve_id] }) }),
);

// Level 2 -------------------------------------------------------------------------------------

export const term = onchainTable("term", (t) => ({
  id: t.hex().primaryKey(),
  type: t.text().notNull(), // 'Atom', 'Triple' or 'Unknown'
  atom_id: t.hex(),
  triple_id: t.hex(),
  total_assets: t.bigint().notNull(),
  total_market_cap: t.numeric().notNull(),
}));

// Level 3 -------------------------------------------------------------------------------------

export const triple_vault = onchainTable(
  "triple_vault",
  (t) => ({
    term_id: t.hex().notNull(),
    counter_term_id: t.hex().notNull(),
    curve_id: t.bigint().notNull(),
    total_shares: t.bigint().notNull(),
    total_assets: t.bigint().notNull(),
    position_count: t.integer().notNull(),
    market_cap: t.numeric().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.term_id, table.curve_id] }) }),
);

export const triple_term = onchainTable("triple_term", (t) => ({
  term_id: t.hex().primaryKey(),
  counter_term_id: t.hex().notNull(),
  total_assets: t.bigint().notNull(),
  total_market_cap: t.numeric().notNull(),
  total_position_count: t.integer().notNull(),
}));

export const predicate_object = onchainTable(
  "predicate_object",
  (t) => ({
    predicate_id: t.hex().notNull(),
    object_id: t.hex().notNull(),
    triple_count: t.integer().notNull(),
    total_position_count: t.integer().notNull(),
    total_market_cap: t.numeric().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.predicate_id, table.object_id] }) }),
);

export const subject_predicate = onchainTable(
  "subject_predicate",
  (t) => ({
    subject_id: t.hex().notNull(),
    predicate_id: t.hex().notNull(),
    triple_count: t.integer().notNull(),
    total_position_count: t.integer().notNull(),
    total_market_cap: t.numeric().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.subject_id, table.predicate_id] }) }),
);
