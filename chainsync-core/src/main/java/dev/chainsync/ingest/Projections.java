package dev.chainsync.ingest;

import dev.chainsync.ingest.ChainEvent.AtomCreated;
import dev.chainsync.ingest.ChainEvent.Deposited;
import dev.chainsync.ingest.ChainEvent.Redeemed;
import dev.chainsync.ingest.ChainEvent.SharePriceChanged;
import dev.chainsync.ingest.ChainEvent.TripleCreated;
import dev.chainsync.ingest.EventStore.NewEvents;
import dev.chainsync.ingest.EventStore.Sourced;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batch's new events to the derived tables incrementally, set-based (a fixed handful
 * of statements per batch, whatever its size), inside the batch's transaction and under the
 * writer lock. The result is what {@link Derivation} computes from the event tables; tests
 * check that.
 *
 * <ul>
 * <li>"latest" columns move only to an event with a larger (block_number, log_index), so arrival
 *     order does not matter;
 * <li>running sums add only events the insert reported as new, so a duplicate adds nothing;
 * <li>small fan-in aggregates (term, triple_vault, triple_term) are recomputed from their
 *     children for the keys the batch touched; large fan-in ones (vault.position_count,
 *     predicate_object, subject_predicate) change by deltas.
 * </ul>
 */
final class Projections {
    /** total_shares * share_price / 1e18, exact: multiplying by a scale-18 literal never rounds. */
    static final String MARKET_CAP = "%s * %s * 0.000000000000000001";

    private Projections() {}

    static void apply(Connection c, NewEvents events) throws SQLException {
        Set<String> termsTouched = new LinkedHashSet<>();
        Set<String> newTriples = new LinkedHashSet<>();
        creations(c, events.atoms(), events.triples(), newTriples);
        termsTouched.addAll(vaultPrices(c, events.prices()));
        termsTouched.addAll(positions(c, events.deposits(), events.redeems()));
        if (termsTouched.isEmpty() && newTriples.isEmpty()) {
            return;
        }
        terms(c, termsTouched);
        triples(c, termsTouched, newTriples);
    }

    // ------------------------------------------------------------------ atoms and triples

    private static void creations(
            Connection c,
            List<Sourced<AtomCreated>> atoms,
            List<Sourced<TripleCreated>> triples,
            Set<String> newTriples)
            throws SQLException {
        Map<String, String[]> termRows = new LinkedHashMap<>();
        insertAtoms(c, atoms, termRows);
        insertTriples(c, triples, termRows, newTriples);
        insertTerms(c, termRows);
    }

    /** Upserts the atoms created, adding each one's term row to {@code termRows}. */
    private static void insertAtoms(Connection c, List<Sourced<AtomCreated>> atoms, Map<String, String[]> termRows)
            throws SQLException {
        if (atoms.isEmpty()) {
            return;
        }
        Arrays a = new Arrays(atoms.size());
        for (Sourced<AtomCreated> s : atoms) {
            AtomCreated e = s.event();
            a.add(
                    e.termId(),
                    e.creator(),
                    e.atomWallet(),
                    EventStore.utf8OrNull(e.atomData()),
                    "\\x" + java.util.HexFormat.of().formatHex(e.atomData()),
                    e.meta().transactionHash(),
                    e.meta().blockNumber(),
                    e.meta().logIndex(),
                    e.meta().blockTimestamp());
            termRows.put(e.termId(), new String[] {e.termId(), "Atom", e.termId(), null});
        }
        a.execute(c, """
                INSERT INTO atom AS a (term_id, creator_id, wallet_id, data, raw_data, transaction_hash,
                                       last_event_block, last_event_log_index, created_at)
                SELECT DISTINCT ON (u.term_id) u.*
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::bigint[],
                              ?::bigint[], ?::timestamptz[]) AS u(term_id, creator_id, wallet_id, data, raw_data,
                              transaction_hash, last_event_block, last_event_log_index, created_at)
                 ORDER BY u.term_id, u.last_event_block DESC, u.last_event_log_index DESC
                ON CONFLICT (term_id) DO UPDATE SET
                    creator_id = excluded.creator_id, wallet_id = excluded.wallet_id, data = excluded.data,
                    raw_data = excluded.raw_data, transaction_hash = excluded.transaction_hash,
                    last_event_block = excluded.last_event_block,
                    last_event_log_index = excluded.last_event_log_index, created_at = excluded.created_at
                 WHERE (excluded.last_event_block, excluded.last_event_log_index)
                       > (a.last_event_block, a.last_event_log_index)""");
    }

    /**
     * Upserts the triples created, adding their terms (counter terms too) to {@code termRows} and
     * their ids to {@code newTriples}.
     */
    private static void insertTriples(
            Connection c, List<Sourced<TripleCreated>> triples, Map<String, String[]> termRows, Set<String> newTriples)
            throws SQLException {
        if (triples.isEmpty()) {
            return;
        }
        Arrays a = new Arrays(triples.size());
        for (Sourced<TripleCreated> s : triples) {
            TripleCreated e = s.event();
            a.add(
                    e.termId(),
                    e.counterTermId(),
                    e.creator(),
                    e.subjectId(),
                    e.predicateId(),
                    e.objectId(),
                    e.meta().transactionHash(),
                    e.meta().blockNumber(),
                    e.meta().logIndex(),
                    e.meta().blockTimestamp());
            termRows.put(e.termId(), new String[] {e.termId(), "Triple", null, e.termId()});
            // Seed 003: triple_id is the term's own id for every 'Triple' term, counter terms included.
            termRows.put(e.counterTermId(), new String[] {e.counterTermId(), "Triple", null, e.counterTermId()});
            newTriples.add(e.termId());
        }
        // subject/predicate/object of a triple never change (its id is their hash), so a later
        // duplicate creation cannot move the triple between predicate_object rows.
        a.execute(c, """
                INSERT INTO triple AS t (term_id, counter_term_id, creator_id, subject_id, predicate_id, object_id,
                                         transaction_hash, last_event_block, last_event_log_index, created_at)
                SELECT DISTINCT ON (u.term_id) u.*
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::bigint[], ?::bigint[], ?::timestamptz[]) AS u(term_id, counter_term_id, creator_id,
                              subject_id, predicate_id, object_id, transaction_hash, last_event_block,
                              last_event_log_index, created_at)
                 ORDER BY u.term_id, u.last_event_block DESC, u.last_event_log_index DESC
                ON CONFLICT (term_id) DO UPDATE SET
                    creator_id = excluded.creator_id, transaction_hash = excluded.transaction_hash,
                    last_event_block = excluded.last_event_block,
                    last_event_log_index = excluded.last_event_log_index, created_at = excluded.created_at
                 WHERE (excluded.last_event_block, excluded.last_event_log_index)
                       > (t.last_event_block, t.last_event_log_index)""");
    }

    /** Upserts the term rows of the atoms and triples created. */
    private static void insertTerms(Connection c, Map<String, String[]> termRows) throws SQLException {
        if (termRows.isEmpty()) {
            return;
        }
        Arrays a = new Arrays(termRows.size());
        termRows.values().forEach(r -> a.add((Object[]) r));
        // The creation fixes the term's type even when its vaults arrived first ('Unknown').
        a.execute(c, """
                INSERT INTO term AS t (id, type, atom_id, triple_id, total_assets, total_market_cap)
                SELECT u.id, u.type, u.atom_id, u.triple_id, 0, 0
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(id, type, atom_id, triple_id)
                ON CONFLICT (id) DO UPDATE SET type = excluded.type, atom_id = excluded.atom_id,
                                               triple_id = excluded.triple_id""");
    }

    // ------------------------------------------------------------------ vaults and positions

    /** Latest share price state per vault; returns the terms whose vaults changed. */
    private static Set<String> vaultPrices(Connection c, List<Sourced<SharePriceChanged>> prices) throws SQLException {
        if (prices.isEmpty()) {
            return Set.of();
        }
        // Latest event and first block time per vault, reduced here rather than by the database:
        // the batch's one database backend is the scarcer resource.
        Map<VaultKey, SharePriceChanged> latest = new HashMap<>();
        Map<VaultKey, Instant> first = new HashMap<>();
        for (Sourced<SharePriceChanged> s : prices) {
            SharePriceChanged e = s.event();
            VaultKey k = new VaultKey(e.termId(), e.curveId());
            latest.merge(k, e, (x, y) -> newer(y.meta(), x.meta()) ? y : x);
            // Not merge(): rindexer may leave block_timestamp null, and merge() refuses null values.
            first.put(k, earlier(first.get(k), e.meta().blockTimestamp()));
        }
        Arrays a = new Arrays(latest.size());
        Set<String> terms = new LinkedHashSet<>();
        latest.entrySet().stream().sorted(Map.Entry.comparingByKey(VAULT_ORDER)).forEach(en -> {
            SharePriceChanged e = en.getValue();
            a.add(
                    e.termId(),
                    e.curveId(),
                    e.meta().blockNumber(),
                    e.meta().logIndex(),
                    e.sharePrice(),
                    e.totalAssets(),
                    e.totalShares(),
                    e.vaultType(),
                    first.get(en.getKey()),
                    e.meta().blockTimestamp());
            terms.add(e.termId());
        });
        a.execute(
                c,
                """
                INSERT INTO vault AS v (term_id, curve_id, total_shares, current_share_price, total_assets, market_cap,
                                        position_count, vault_type, last_price_event_block,
                                        last_price_event_log_index, created_at, updated_at)
                SELECT l.term_id, l.curve_id, l.total_shares, l.share_price, l.total_assets,
                       """ + MARKET_CAP.formatted("l.total_shares", "l.share_price")
                        + """
                       , 0, l.vault_type, l.block_number, l.log_index, l.first_ts, l.ts
                  FROM unnest(?::text[], ?::numeric[], ?::bigint[], ?::bigint[], ?::numeric[], ?::numeric[],
                              ?::numeric[], ?::smallint[], ?::timestamptz[], ?::timestamptz[])
                       AS l(term_id, curve_id, block_number, log_index, share_price, total_assets, total_shares,
                            vault_type, first_ts, ts)
                ON CONFLICT (term_id, curve_id) DO UPDATE SET
                    created_at = LEAST(v.created_at, excluded.created_at),
                    total_shares = CASE WHEN %1$s THEN excluded.total_shares ELSE v.total_shares END,
                    current_share_price = CASE WHEN %1$s THEN excluded.current_share_price ELSE v.current_share_price END,
                    total_assets = CASE WHEN %1$s THEN excluded.total_assets ELSE v.total_assets END,
                    market_cap = CASE WHEN %1$s THEN excluded.market_cap ELSE v.market_cap END,
                    vault_type = CASE WHEN %1$s THEN excluded.vault_type ELSE v.vault_type END,
                    updated_at = CASE WHEN %1$s THEN excluded.updated_at ELSE v.updated_at END,
                    last_price_event_log_index = CASE WHEN %1$s THEN excluded.last_price_event_log_index
                                                      ELSE v.last_price_event_log_index END,
                    last_price_event_block = CASE WHEN %1$s THEN excluded.last_price_event_block
                                                  ELSE v.last_price_event_block END""".formatted(
                                        "(v.last_price_event_block IS NULL OR (excluded.last_price_event_block, "
                                                + "excluded.last_price_event_log_index) > (v.last_price_event_block, v.last_price_event_log_index))"));
        return terms;
    }

    private record VaultKey(String termId, BigInteger curveId) {}

    private static final java.util.Comparator<VaultKey> VAULT_ORDER =
            java.util.Comparator.comparing(VaultKey::termId).thenComparing(VaultKey::curveId);

    private record PositionKey(String accountId, String termId, BigInteger curveId) {}

    private static final java.util.Comparator<PositionKey> POSITION_ORDER = java.util.Comparator.comparing(
                    PositionKey::accountId)
            .thenComparing(PositionKey::termId)
            .thenComparing(PositionKey::curveId);

    /** A batch's events of one position: the latest by (block, log index), the sums, the first block time. */
    private static final class PositionDelta {
        ChainEvent.Meta latest;
        BigInteger shares;
        BigInteger deposit = BigInteger.ZERO;
        BigInteger redeem = BigInteger.ZERO;
        Instant firstTs;

        void add(ChainEvent.Meta m, BigInteger totalShares, BigInteger deposited, BigInteger redeemed) {
            if (latest == null || newer(m, latest)) {
                latest = m;
                shares = totalShares;
            }
            deposit = deposit.add(deposited);
            redeem = redeem.add(redeemed);
            firstTs = earlier(firstTs, m.blockTimestamp());
        }
    }

    /** Is {@code a} later on chain than {@code b}: larger (block_number, log_index)? */
    static boolean newer(ChainEvent.Meta a, ChainEvent.Meta b) {
        return a.blockNumber() != b.blockNumber() ? a.blockNumber() > b.blockNumber() : a.logIndex() > b.logIndex();
    }

    /** The earlier of two block times; NULL-ignoring like SQL's min() and LEAST(). */
    static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    /**
     * Positions from deposits and redemptions (latest balance, running sums), then each touched
     * vault's position_count by how many of its positions crossed zero. Returns the touched terms.
     */
    private static Set<String> positions(
            Connection c, List<Sourced<Deposited>> deposits, List<Sourced<Redeemed>> redeems) throws SQLException {
        if (deposits.isEmpty() && redeems.isEmpty()) {
            return Set.of();
        }
        Map<VaultKey, Integer> vaultTypes = new HashMap<>();
        List<Map.Entry<PositionKey, PositionDelta>> sorted = reducedByPosition(deposits, redeems, vaultTypes);
        Map<VaultKey, Long> deltas = writePositions(c, sorted);
        // Each touched vault's position_count moves by how many of its positions crossed zero; a
        // vault with none still needs its row (a position without a price event yet).
        vaultTypes.keySet().forEach(k -> deltas.putIfAbsent(k, 0L));
        return positionCounts(c, deltas, vaultTypes);
    }

    /**
     * The batch's deposits and redemptions reduced per position, sorted by key; fills in each
     * vault's type from the first of its events.
     */
    private static List<Map.Entry<PositionKey, PositionDelta>> reducedByPosition(
            List<Sourced<Deposited>> deposits, List<Sourced<Redeemed>> redeems, Map<VaultKey, Integer> vaultTypes) {
        // Per position: the latest event, the sums and the first block time, reduced here (see vaultPrices).
        Map<PositionKey, PositionDelta> byPosition = new HashMap<>();
        for (Sourced<Deposited> s : deposits) {
            Deposited e = s.event();
            byPosition
                    .computeIfAbsent(new PositionKey(e.receiver(), e.termId(), e.curveId()), k -> new PositionDelta())
                    .add(e.meta(), e.totalShares(), e.assetsAfterFees(), BigInteger.ZERO);
            vaultTypes.putIfAbsent(new VaultKey(e.termId(), e.curveId()), e.vaultType());
        }
        for (Sourced<Redeemed> s : redeems) {
            Redeemed e = s.event();
            byPosition
                    .computeIfAbsent(new PositionKey(e.receiver(), e.termId(), e.curveId()), k -> new PositionDelta())
                    .add(e.meta(), e.totalShares(), BigInteger.ZERO, e.assets());
            vaultTypes.putIfAbsent(new VaultKey(e.termId(), e.curveId()), e.vaultType());
        }
        List<Map.Entry<PositionKey, PositionDelta>> sorted = new ArrayList<>(byPosition.entrySet());
        sorted.sort(Map.Entry.comparingByKey(POSITION_ORDER));
        return sorted;
    }

    /**
     * Inserts new positions and updates known ones; returns, per vault, how many of its positions
     * crossed zero (up minus down).
     */
    private static Map<VaultKey, Long> writePositions(Connection c, List<Map.Entry<PositionKey, PositionDelta>> sorted)
            throws SQLException {
        // Only the writer lock's holder writes positions, so what is read here stays current until
        // this transaction ends: a new position is a plain INSERT and a known one a plain UPDATE
        // (no speculative insertion, no row lock record besides the update), and both sides of
        // every zero crossing are known in Java without reading anything back.
        Map<PositionKey, StoredPosition> stored = storedPositions(c, sorted);
        Arrays inserts = new Arrays(sorted.size() - stored.size());
        Arrays updates = new Arrays(stored.size());
        Map<VaultKey, Long> deltas = new LinkedHashMap<>();
        for (Map.Entry<PositionKey, PositionDelta> en : sorted) {
            PositionKey k = en.getKey();
            PositionDelta d = en.getValue();
            StoredPosition old = stored.get(k);
            Object[] row = {
                k.accountId(),
                k.termId(),
                k.curveId(),
                d.latest.blockNumber(),
                d.latest.logIndex(),
                d.latest.transactionHash(),
                d.latest.transactionIndex(),
                d.shares,
                d.deposit,
                d.redeem,
                d.firstTs,
                d.latest.blockTimestamp()
            };
            boolean was = old != null && old.shares().signum() > 0;
            boolean is;
            if (old == null) {
                inserts.add(row);
                is = d.shares.signum() > 0;
            } else {
                updates.add(row);
                is = (newer(d.latest, old.block(), old.log()) ? d.shares : old.shares()).signum() > 0;
            }
            if (was != is) {
                deltas.merge(new VaultKey(k.termId(), k.curveId()), is ? 1L : -1L, Long::sum);
            }
        }
        insertPositions(c, inserts);
        updatePositions(c, updates);
        return deltas;
    }

    /** Columns of the rows writePositions() builds, as the FROM item both of its statements read. */
    private static final String POSITION_ROWS = """
                unnest(?::text[], ?::text[], ?::numeric[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::numeric[],
                       ?::numeric[], ?::numeric[], ?::timestamptz[], ?::timestamptz[])
                    AS u(account_id, term_id, curve_id, block_number, log_index, transaction_hash, transaction_index,
                         total_shares, deposit, redeem, first_ts, ts)""";

    private static void insertPositions(Connection c, Arrays inserts) throws SQLException {
        inserts.execute(c, """
                INSERT INTO position (account_id, term_id, curve_id, shares, total_deposit_assets_after_total_fees,
                                      total_redeem_assets_for_receiver, block_number, log_index, transaction_hash,
                                      transaction_index, created_at, updated_at)
                SELECT account_id, term_id, curve_id, total_shares, deposit, redeem, block_number, log_index,
                       transaction_hash, transaction_index, first_ts, ts
                  FROM %s""".formatted(POSITION_ROWS));
    }

    private static void updatePositions(Connection c, Arrays updates) throws SQLException {
        String newer = "(u.block_number, u.log_index) > (p.block_number, p.log_index)";
        updates.execute(c, """
                UPDATE position AS p SET
                    total_deposit_assets_after_total_fees = p.total_deposit_assets_after_total_fees + u.deposit,
                    total_redeem_assets_for_receiver = p.total_redeem_assets_for_receiver + u.redeem,
                    created_at = LEAST(p.created_at, u.first_ts),
                    shares = CASE WHEN %1$s THEN u.total_shares ELSE p.shares END,
                    transaction_hash = CASE WHEN %1$s THEN u.transaction_hash ELSE p.transaction_hash END,
                    transaction_index = CASE WHEN %1$s THEN u.transaction_index ELSE p.transaction_index END,
                    updated_at = CASE WHEN %1$s THEN u.ts ELSE p.updated_at END,
                    log_index = CASE WHEN %1$s THEN u.log_index ELSE p.log_index END,
                    block_number = CASE WHEN %1$s THEN u.block_number ELSE p.block_number END
                  FROM %2$s
                 WHERE p.account_id = u.account_id AND p.term_id = u.term_id AND p.curve_id = u.curve_id""".formatted(newer, POSITION_ROWS));
    }

    /** Moves each vault's position_count by its delta, creating the vaults not seen yet; returns their terms. */
    private static Set<String> positionCounts(
            Connection c, Map<VaultKey, Long> deltas, Map<VaultKey, Integer> vaultTypes) throws SQLException {
        Arrays v = new Arrays(deltas.size());
        Set<String> terms = new LinkedHashSet<>();
        deltas.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        java.util.Comparator.comparing(VaultKey::termId).thenComparing(VaultKey::curveId)))
                .forEach(d -> {
                    v.add(d.getKey().termId(), d.getKey().curveId(), d.getValue(), vaultTypes.get(d.getKey()));
                    terms.add(d.getKey().termId());
                });
        v.execute(c, """
                INSERT INTO vault AS v (term_id, curve_id, total_shares, current_share_price, total_assets, market_cap,
                                        position_count, vault_type)
                SELECT u.term_id, u.curve_id, 0, 0, 0, 0, u.delta, u.vault_type
                  FROM unnest(?::text[], ?::numeric[], ?::bigint[], ?::smallint[]) AS u(term_id, curve_id, delta, vault_type)
                ON CONFLICT (term_id, curve_id) DO UPDATE SET
                    position_count = v.position_count + excluded.position_count,
                    vault_type = COALESCE(v.vault_type, excluded.vault_type)
                 WHERE excluded.position_count <> 0 OR v.vault_type IS NULL""");
        return terms;
    }

    /** What positions() needs of a stored position: its shares and the coordinates of its latest event. */
    private record StoredPosition(BigInteger shares, long block, long log) {}

    private static Map<PositionKey, StoredPosition> storedPositions(
            Connection c, List<Map.Entry<PositionKey, PositionDelta>> keys) throws SQLException {
        Arrays a = new Arrays(keys.size());
        keys.forEach(en ->
                a.add(en.getKey().accountId(), en.getKey().termId(), en.getKey().curveId()));
        Map<PositionKey, StoredPosition> stored = new HashMap<>();
        a.query(
                c,
                """
                SELECT p.account_id, p.term_id, p.curve_id::text, p.shares::text, p.block_number, p.log_index
                  FROM unnest(?::text[], ?::text[], ?::numeric[]) AS u(account_id, term_id, curve_id)
                  JOIN position p ON p.account_id = u.account_id AND p.term_id = u.term_id AND p.curve_id = u.curve_id""",
                rs -> stored.put(
                        new PositionKey(rs.getString(1), rs.getString(2), new BigInteger(rs.getString(3))),
                        new StoredPosition(new BigInteger(rs.getString(4)), rs.getLong(5), rs.getLong(6))));
        return stored;
    }

    /** Is {@code a} later on chain than the event at ({@code block}, {@code log})? */
    private static boolean newer(ChainEvent.Meta a, long block, long log) {
        return a.blockNumber() != block ? a.blockNumber() > block : a.logIndex() > log;
    }

    // ------------------------------------------------------------------ terms

    /** term totals recomputed from the term's vaults (a term has one vault per curve: few rows). */
    private static void terms(Connection c, Set<String> termIds) throws SQLException {
        if (termIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO term AS t (id, type, atom_id, triple_id, total_assets, total_market_cap)
                SELECT v.term_id,
                       CASE WHEN a.term_id IS NOT NULL THEN 'Atom' WHEN tr.term_id IS NOT NULL THEN 'Triple'
                            ELSE 'Unknown' END,
                       a.term_id, CASE WHEN tr.term_id IS NOT NULL THEN v.term_id END, v.total_assets, v.market_cap
                  FROM (SELECT term_id, sum(total_assets) AS total_assets, sum(market_cap) AS market_cap
                          FROM vault WHERE term_id = ANY (?::text[]) GROUP BY term_id) v
                  LEFT JOIN atom a ON a.term_id = v.term_id
                  LEFT JOIN LATERAL (SELECT term_id FROM triple WHERE term_id = v.term_id
                                     UNION ALL
                                     SELECT term_id FROM triple WHERE counter_term_id = v.term_id LIMIT 1) tr ON true
                 ORDER BY v.term_id
                ON CONFLICT (id) DO UPDATE SET total_assets = excluded.total_assets,
                                               total_market_cap = excluded.total_market_cap""")) {
            ps.setArray(1, c.createArrayOf("text", termIds.toArray(String[]::new)));
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ triple analytics

    /**
     * triple_vault and triple_term recomputed for every triple whose pro or counter term changed
     * (or that is new); predicate_object and subject_predicate then move by the difference each
     * triple_term row made, and count a triple once, when its triple_term row appears.
     */
    private static void triples(Connection c, Set<String> termIds, Set<String> newTriples) throws SQLException {
        Set<String> all = new LinkedHashSet<>(termIds);
        all.addAll(newTriples);
        Array terms = c.createArrayOf("text", all.toArray(String[]::new));
        String affected = """
                t AS (
                    SELECT term_id, counter_term_id, subject_id, predicate_id, object_id FROM triple
                     WHERE term_id = ANY (?::text[])
                    UNION
                    SELECT term_id, counter_term_id, subject_id, predicate_id, object_id FROM triple
                     WHERE counter_term_id = ANY (?::text[])
                )""";
        try (PreparedStatement ps = c.prepareStatement("WITH " + affected + """
                , v AS (
                    SELECT t.term_id, t.counter_term_id, v.curve_id, v.total_shares, v.total_assets, v.position_count,
                           v.market_cap
                      FROM t JOIN vault v ON v.term_id = t.term_id
                    UNION ALL
                    SELECT t.term_id, t.counter_term_id, v.curve_id, v.total_shares, v.total_assets, v.position_count,
                           v.market_cap
                      FROM t JOIN vault v ON v.term_id = t.counter_term_id
                )
                INSERT INTO triple_vault AS x (term_id, counter_term_id, curve_id, total_shares, total_assets,
                                               position_count, market_cap)
                SELECT term_id, counter_term_id, curve_id, sum(total_shares), sum(total_assets), sum(position_count),
                       sum(market_cap)
                  FROM v GROUP BY term_id, counter_term_id, curve_id ORDER BY term_id, curve_id
                ON CONFLICT (term_id, curve_id) DO UPDATE SET
                    total_shares = excluded.total_shares, total_assets = excluded.total_assets,
                    position_count = excluded.position_count, market_cap = excluded.market_cap""")) {
            ps.setArray(1, terms);
            ps.setArray(2, terms);
            ps.executeUpdate();
        }
        List<TripleTermChange> changes = tripleTerms(c, affected, terms);
        for (PairTable table : PairTable.values()) {
            movePairs(c, table, changes);
        }
    }

    /** A triple_term row's figures that the pair tables sum. */
    private record TripleTermFigures(java.math.BigDecimal marketCap, long positions) {
        static final TripleTermFigures NONE = new TripleTermFigures(java.math.BigDecimal.ZERO, 0);
    }

    /** One triple_term row before (null when the batch created it) and after this batch, with its triple's ids. */
    private record TripleTermChange(
            String termId,
            TripleTermFigures before,
            TripleTermFigures after,
            String subjectId,
            String predicateId,
            String objectId) {
        PairDelta delta() {
            TripleTermFigures was = before == null ? TripleTermFigures.NONE : before;
            return new PairDelta(
                    before == null ? 1 : 0,
                    after.positions() - was.positions(),
                    after.marketCap().subtract(was.marketCap()));
        }
    }

    /** What one predicate_object or subject_predicate row moves by. */
    private record PairDelta(long triples, long positions, java.math.BigDecimal marketCap) {
        PairDelta plus(PairDelta o) {
            return new PairDelta(triples + o.triples, positions + o.positions, marketCap.add(o.marketCap));
        }

        boolean isZero() {
            return triples == 0 && positions == 0 && marketCap.signum() == 0;
        }
    }

    private record PairKey(String first, String second) {}

    /** The two tables keyed by a pair of a triple's ids. */
    private enum PairTable {
        PREDICATE_OBJECT("predicate_object", "predicate_id", "object_id"),
        SUBJECT_PREDICATE("subject_predicate", "subject_id", "predicate_id");

        final String table;
        final String firstColumn;
        final String secondColumn;

        PairTable(String table, String firstColumn, String secondColumn) {
            this.table = table;
            this.firstColumn = firstColumn;
            this.secondColumn = secondColumn;
        }

        PairKey key(TripleTermChange t) {
            return this == PREDICATE_OBJECT
                    ? new PairKey(t.predicateId(), t.objectId())
                    : new PairKey(t.subjectId(), t.predicateId());
        }
    }

    /**
     * triple_term recomputed for the affected triples; the old and new rows come back separately
     * (see positions()) so the pair tables can move by their difference.
     */
    private static List<TripleTermChange> tripleTerms(Connection c, String affected, Array terms) throws SQLException {
        Map<String, TripleTermFigures> before = new HashMap<>();
        record After(String termId, TripleTermFigures figures, String subject, String predicate, String object) {}
        List<After> after = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH " + affected + """
                , agg AS (
                    SELECT t.term_id, t.counter_term_id, coalesce(sum(x.total_assets), 0) AS total_assets,
                           coalesce(sum(x.market_cap), 0) AS total_market_cap,
                           coalesce(sum(x.position_count), 0) AS total_position_count
                      FROM t LEFT JOIN triple_vault x ON x.term_id = t.term_id
                     GROUP BY t.term_id, t.counter_term_id
                ), old AS MATERIALIZED (
                    SELECT tt.term_id, tt.total_market_cap, tt.total_position_count
                      FROM t JOIN triple_term tt USING (term_id)
                ), up AS (
                    INSERT INTO triple_term AS tt (term_id, counter_term_id, total_assets, total_market_cap,
                                                   total_position_count)
                    SELECT * FROM agg ORDER BY term_id
                    ON CONFLICT (term_id) DO UPDATE SET
                        total_assets = excluded.total_assets, total_market_cap = excluded.total_market_cap,
                        total_position_count = excluded.total_position_count
                    RETURNING tt.term_id, tt.total_market_cap, tt.total_position_count
                )
                SELECT false, o.term_id, o.total_market_cap, o.total_position_count, NULL, NULL, NULL FROM old o
                UNION ALL
                SELECT true, u.term_id, u.total_market_cap, u.total_position_count, t.subject_id, t.predicate_id,
                       t.object_id
                  FROM up u JOIN t USING (term_id)""")) {
            ps.setArray(1, terms);
            ps.setArray(2, terms);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TripleTermFigures figures = new TripleTermFigures(rs.getBigDecimal(3), rs.getLong(4));
                    if (rs.getBoolean(1)) {
                        after.add(
                                new After(rs.getString(2), figures, rs.getString(5), rs.getString(6), rs.getString(7)));
                    } else {
                        before.put(rs.getString(2), figures);
                    }
                }
            }
        }
        return after.stream()
                .map(a -> new TripleTermChange(
                        a.termId(), before.get(a.termId()), a.figures(), a.subject(), a.predicate(), a.object()))
                .toList();
    }

    /** Moves each row of {@code target} by the sum of the changes of its triples; a triple counts once, when new. */
    private static void movePairs(Connection c, PairTable target, List<TripleTermChange> changes) throws SQLException {
        Map<PairKey, PairDelta> deltas = new HashMap<>();
        for (TripleTermChange t : changes) {
            PairDelta d = t.delta();
            if (!d.isZero()) {
                deltas.merge(target.key(t), d, PairDelta::plus);
            }
        }
        if (deltas.isEmpty()) {
            return;
        }
        Arrays a = new Arrays(deltas.size());
        // In key order, so concurrent writers (a rebuild, an older instance) lock rows in one order.
        deltas.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        java.util.Comparator.comparing(PairKey::first).thenComparing(PairKey::second)))
                .forEach(e -> a.add(
                        e.getKey().first(),
                        e.getKey().second(),
                        e.getValue().triples(),
                        e.getValue().positions(),
                        e.getValue().marketCap().toPlainString()));
        a.execute(c, """
                INSERT INTO %1$s AS x (%2$s, %3$s, triple_count, total_position_count, total_market_cap)
                SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::numeric[])
                ON CONFLICT ON CONSTRAINT %1$s_pkey DO UPDATE SET
                    triple_count = x.triple_count + excluded.triple_count,
                    total_position_count = x.total_position_count + excluded.total_position_count,
                    total_market_cap = x.total_market_cap + excluded.total_market_cap""".formatted(target.table, target.firstColumn, target.secondColumn));
    }

    // ------------------------------------------------------------------ helpers

    /** Column-wise text arrays for an unnest(...) statement: add rows, then bind one array per column. */
    static final class Arrays {
        private final List<Object[]> rows;

        Arrays(int expected) {
            this.rows = new ArrayList<>(expected);
        }

        void add(Object... row) {
            rows.add(row);
        }

        int bind(Connection c, PreparedStatement ps) throws SQLException {
            if (rows.isEmpty()) {
                return 0;
            }
            int width = rows.getFirst().length;
            for (int col = 0; col < width; col++) {
                String[] values = new String[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    Object v = rows.get(r)[col];
                    values[r] = v == null ? null : v.toString();
                }
                ps.setArray(col + 1, c.createArrayOf("text", values));
            }
            return width;
        }

        void execute(Connection c, String sql) throws SQLException {
            if (rows.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps);
                ps.executeUpdate();
            }
        }

        interface RowConsumer {
            void accept(ResultSet rs) throws SQLException;
        }

        void query(Connection c, String sql, RowConsumer consumer) throws SQLException {
            if (rows.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(c, ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(rs);
                    }
                }
            }
        }
    }
}
