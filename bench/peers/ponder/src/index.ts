import { type Context, ponder } from "ponder:registry";
import {
  atom,
  atom_created_events,
  counter_triple,
  deposited_events,
  position,
  predicate_object,
  redeemed_events,
  share_price_changed_events,
  subject_predicate,
  term,
  triple,
  triple_created_events,
  triple_term,
  triple_vault,
  vault,
} from "ponder:schema";
import { type Hex, concat, keccak256, stringToHex } from "viem";

// Handlers doing the work of chainsync's Intuition projections (ingest.Projections, defined by
// ingest.Derivation): every event row kept, then levels 1 to 3 updated in the same pass. Ponder
// runs handlers one event at a time in (block, log index) order, so the event at hand is always
// the latest for its keys. Where these differ from chainsync, bench/peers/ponder/README.md says so.

type Db = Context["db"];

const COUNTER_SALT = keccak256(stringToHex("COUNTER_SALT"));
const WAD = 10n ** 18n;

/** A counter-triple's term id: keccak256(abi.encodePacked(COUNTER_SALT, tripleId)). */
function counterTermId(tripleId: Hex): Hex {
  return keccak256(concat([COUNTER_SALT, tripleId]));
}

/** Market caps are exact decimals with 18 places, carried as integers scaled by 1e18. */
function decimal(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  return `${negative ? "-" : ""}${abs / WAD}.${(abs % WAD).toString().padStart(18, "0")}`;
}

function scaled(value: string): bigint {
  const negative = value.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? value.slice(1) : value).split(".");
  const s = BigInt(whole) * WAD + BigInt((fraction + "0".repeat(18)).slice(0, 18));
  return negative ? -s : s;
}

function utf8OrNull(data: Hex): string | null {
  try {
    const bytes = Buffer.from(data.slice(2), "hex");
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function meta(event: any, chainId: number) {
  return {
    transaction_hash: event.transaction.hash as Hex,
    log_index: Number(event.log.logIndex),
    address: event.log.address as Hex,
    block_hash: event.block.hash as Hex,
    block_number: event.block.number as bigint,
    chain_id: chainId,
    transaction_index: Number(event.transaction.transactionIndex),
    block_timestamp: new Date(Number(event.block.timestamp) * 1000),
  };
}

/** The term row, created as 'Unknown' with zero totals when its creation event has not come yet. */
async function ensureTerm(db: Db, id: Hex) {
  await db
    .insert(term)
    .values({ id, type: "Unknown", atom_id: null, triple_id: null, total_assets: 0n, total_market_cap: "0" })
    .onConflictDoNothing();
}

/** Adds what a triple's totals moved by to its pair rows (predicate_object, subject_predicate). */
async function addToPairs(db: Db, t: typeof triple.$inferSelect, triples: number, positions: number, cap: bigint) {
  if (triples === 0 && positions === 0 && cap === 0n) return;
  await db
    .insert(predicate_object)
    .values({
      predicate_id: t.predicate_id,
      object_id: t.object_id,
      triple_count: triples,
      total_position_count: positions,
      total_market_cap: decimal(cap),
    })
    .onConflictDoUpdate((row) => ({
      triple_count: row.triple_count + triples,
      total_position_count: row.total_position_count + positions,
      total_market_cap: decimal(scaled(row.total_market_cap) + cap),
    }));
  await db
    .insert(subject_predicate)
    .values({
      subject_id: t.subject_id,
      predicate_id: t.predicate_id,
      triple_count: triples,
      total_position_count: positions,
      total_market_cap: decimal(cap),
    })
    .onConflictDoUpdate((row) => ({
      triple_count: row.triple_count + triples,
      total_position_count: row.total_position_count + positions,
      total_market_cap: decimal(scaled(row.total_market_cap) + cap),
    }));
}

/**
 * After the vault (termId, curveId) changed: the triple it belongs to (as pro or counter vault)
 * gets its triple_vault row recomputed (pro + counter), and triple_term and the pair rows move by
 * the difference.
 */
async function cascadeToTriple(db: Db, termId: Hex, curveId: bigint) {
  let t = await db.find(triple, { term_id: termId });
  if (t === null) {
    const counter = await db.find(counter_triple, { counter_term_id: termId });
    if (counter === null) return; // an atom's vault, or a term not created yet
    t = await db.find(triple, { term_id: counter.term_id });
    if (t === null) return;
  }
  const pro = await db.find(vault, { term_id: t.term_id, curve_id: curveId });
  const con = await db.find(vault, { term_id: t.counter_term_id, curve_id: curveId });
  const next = {
    total_shares: (pro?.total_shares ?? 0n) + (con?.total_shares ?? 0n),
    total_assets: (pro?.total_assets ?? 0n) + (con?.total_assets ?? 0n),
    position_count: (pro?.position_count ?? 0) + (con?.position_count ?? 0),
    market_cap: scaled(pro?.market_cap ?? "0") + scaled(con?.market_cap ?? "0"),
  };
  const before = await db.find(triple_vault, { term_id: t.term_id, curve_id: curveId });
  const dAssets = next.total_assets - (before?.total_assets ?? 0n);
  const dPositions = next.position_count - (before?.position_count ?? 0);
  const dCap = next.market_cap - scaled(before?.market_cap ?? "0");
  const row = { ...next, market_cap: decimal(next.market_cap) };
  if (before === null) {
    await db.insert(triple_vault).values({
      term_id: t.term_id,
      counter_term_id: t.counter_term_id,
      curve_id: curveId,
      ...row,
    });
  } else {
    await db.update(triple_vault, { term_id: t.term_id, curve_id: curveId }).set(row);
  }
  if (dAssets !== 0n || dPositions !== 0 || dCap !== 0n) {
    await db.update(triple_term, { term_id: t.term_id }).set((tt) => ({
      total_assets: tt.total_assets + dAssets,
      total_market_cap: decimal(scaled(tt.total_market_cap) + dCap),
      total_position_count: tt.total_position_count + dPositions,
    }));
    await addToPairs(db, t, 0, dPositions, dCap);
  }
}

ponder.on("MultiVault:AtomCreated", async ({ event, context }) => {
  const db = context.db;
  const m = meta(event, context.chain.id);
  const { creator, termId, atomData, atomWallet } = event.args;
  const data = utf8OrNull(atomData);
  await db.insert(atom_created_events).values({
    ...m,
    creator,
    term_id: termId,
    atom_data: data,
    raw_data: atomData,
    atom_wallet: atomWallet,
  });
  const row = {
    creator_id: creator,
    wallet_id: atomWallet,
    data,
    raw_data: atomData,
    transaction_hash: m.transaction_hash,
    last_event_block: m.block_number,
    last_event_log_index: m.log_index,
    created_at: m.block_timestamp,
  };
  await db.insert(atom).values({ term_id: termId, ...row }).onConflictDoUpdate(row);
  await db
    .insert(term)
    .values({ id: termId, type: "Atom", atom_id: termId, triple_id: null, total_assets: 0n, total_market_cap: "0" })
    .onConflictDoUpdate({ type: "Atom", atom_id: termId });
});

ponder.on("MultiVault:TripleCreated", async ({ event, context }) => {
  const db = context.db;
  const m = meta(event, context.chain.id);
  const { creator, termId, subjectId, predicateId, objectId } = event.args;
  const counterId = counterTermId(termId);
  await db.insert(triple_created_events).values({
    ...m,
    creator,
    term_id: termId,
    subject_id: subjectId,
    predicate_id: predicateId,
    object_id: objectId,
    counter_term_id: counterId,
  });
  const existing = await db.find(triple, { term_id: termId });
  const row = {
    counter_term_id: counterId,
    creator_id: creator,
    subject_id: subjectId,
    predicate_id: predicateId,
    object_id: objectId,
    transaction_hash: m.transaction_hash,
    last_event_block: m.block_number,
    last_event_log_index: m.log_index,
    created_at: m.block_timestamp,
  };
  await db.insert(triple).values({ term_id: termId, ...row }).onConflictDoUpdate(row);
  await db.insert(counter_triple).values({ counter_term_id: counterId, term_id: termId }).onConflictDoNothing();
  for (const id of [termId, counterId]) {
    // Seed 003: triple_id is the term's own id for every 'Triple' term, counter terms included.
    await db
      .insert(term)
      .values({ id, type: "Triple", atom_id: null, triple_id: id, total_assets: 0n, total_market_cap: "0" })
      .onConflictDoUpdate({ type: "Triple", triple_id: id });
  }
  await db
    .insert(triple_term)
    .values({
      term_id: termId,
      counter_term_id: counterId,
      total_assets: 0n,
      total_market_cap: "0",
      total_position_count: 0,
    })
    .onConflictDoNothing();
  if (existing === null) {
    // On chain no vault exists before its term is created, so a new triple has zero totals.
    await addToPairs(db, { term_id: termId, ...row }, 1, 0, 0n);
  }
});

/** A deposit or redemption: the receiver's position, and the vault's count of positions with shares. */
async function onPositionEvent(
  db: Db,
  m: ReturnType<typeof meta>,
  receiver: Hex,
  termId: Hex,
  curveId: bigint,
  totalShares: bigint,
  deposit: bigint,
  redeem: bigint,
  vaultType: number,
) {
  const key = { account_id: receiver, term_id: termId, curve_id: curveId };
  const before = await db.find(position, key);
  const latest = {
    shares: totalShares,
    block_number: m.block_number,
    log_index: m.log_index,
    transaction_hash: m.transaction_hash,
    transaction_index: m.transaction_index,
    updated_at: m.block_timestamp,
  };
  if (before === null) {
    await db.insert(position).values({
      ...key,
      ...latest,
      total_deposit_assets_after_total_fees: deposit,
      total_redeem_assets_for_receiver: redeem,
      created_at: m.block_timestamp,
    });
  } else {
    await db.update(position, key).set({
      ...latest,
      total_deposit_assets_after_total_fees: before.total_deposit_assets_after_total_fees + deposit,
      total_redeem_assets_for_receiver: before.total_redeem_assets_for_receiver + redeem,
    });
  }
  const dCount = (totalShares > 0n ? 1 : 0) - (before !== null && before.shares > 0n ? 1 : 0);
  const v = await db.find(vault, { term_id: termId, curve_id: curveId });
  if (v === null) {
    await ensureTerm(db, termId);
    await db.insert(vault).values({
      term_id: termId,
      curve_id: curveId,
      total_shares: 0n,
      current_share_price: 0n,
      total_assets: 0n,
      market_cap: "0",
      position_count: Math.max(0, dCount),
      vault_type: vaultType,
      last_price_event_block: null,
      last_price_event_log_index: null,
      created_at: null,
      updated_at: null,
    });
  } else if (dCount !== 0) {
    await db.update(vault, { term_id: termId, curve_id: curveId }).set({ position_count: v.position_count + dCount });
  }
  if (v === null || dCount !== 0) {
    await cascadeToTriple(db, termId, curveId);
  }
}

ponder.on("MultiVault:Deposited", async ({ event, context }) => {
  const m = meta(event, context.chain.id);
  const a = event.args;
  await context.db.insert(deposited_events).values({
    ...m,
    sender: a.sender,
    receiver: a.receiver,
    term_id: a.termId,
    curve_id: a.curveId,
    assets: a.assets,
    assets_after_fees: a.assetsAfterFees,
    shares: a.shares,
    total_shares: a.totalShares,
    vault_type: a.vaultType,
  });
  await onPositionEvent(context.db, m, a.receiver, a.termId, a.curveId, a.totalShares, a.assetsAfterFees, 0n, a.vaultType);
});

ponder.on("MultiVault:Redeemed", async ({ event, context }) => {
  const m = meta(event, context.chain.id);
  const a = event.args;
  await context.db.insert(redeemed_events).values({
    ...m,
    sender: a.sender,
    receiver: a.receiver,
    term_id: a.termId,
    curve_id: a.curveId,
    shares: a.shares,
    total_shares: a.totalShares,
    assets: a.assets,
    fees: a.fees,
    vault_type: a.vaultType,
  });
  await onPositionEvent(context.db, m, a.receiver, a.termId, a.curveId, a.totalShares, 0n, a.assets, a.vaultType);
});

ponder.on("MultiVault:SharePriceChanged", async ({ event, context }) => {
  const db = context.db;
  const m = meta(event, context.chain.id);
  const a = event.args;
  await db.insert(share_price_changed_events).values({
    ...m,
    term_id: a.termId,
    curve_id: a.curveId,
    share_price: a.sharePrice,
    total_assets: a.totalAssets,
    total_shares: a.totalShares,
    vault_type: a.vaultType,
  });
  const key = { term_id: a.termId, curve_id: a.curveId };
  const before = await db.find(vault, key);
  const cap = a.totalShares * a.sharePrice; // scaled by 1e18: market_cap = shares * price / 1e18
  const latest = {
    total_shares: a.totalShares,
    current_share_price: a.sharePrice,
    total_assets: a.totalAssets,
    market_cap: decimal(cap),
    vault_type: a.vaultType,
    last_price_event_block: m.block_number,
    last_price_event_log_index: m.log_index,
    updated_at: m.block_timestamp,
  };
  if (before === null) {
    await ensureTerm(db, a.termId);
    await db.insert(vault).values({ ...key, ...latest, position_count: 0, created_at: m.block_timestamp });
  } else {
    await db.update(vault, key).set({ ...latest, created_at: before.created_at ?? m.block_timestamp });
  }
  const dAssets = a.totalAssets - (before?.total_assets ?? 0n);
  const dCap = cap - scaled(before?.market_cap ?? "0");
  await db.update(term, { id: a.termId }).set((t) => ({
    total_assets: t.total_assets + dAssets,
    total_market_cap: decimal(scaled(t.total_market_cap) + dCap),
  }));
  await cascadeToTriple(db, a.termId, a.curveId);
});
