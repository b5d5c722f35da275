package dev.chainsync.ingest;

import dev.chainsync.ingest.ChainEvent.AtomCreated;
import dev.chainsync.ingest.ChainEvent.Deposited;
import dev.chainsync.ingest.ChainEvent.Generic;
import dev.chainsync.ingest.ChainEvent.Meta;
import dev.chainsync.ingest.ChainEvent.Redeemed;
import dev.chainsync.ingest.ChainEvent.SharePriceChanged;
import dev.chainsync.ingest.ChainEvent.TripleCreated;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Inserts a batch's events into the event tables, one multi-row statement per table, and says
 * which of them were new. A duplicate (same transaction hash and log index, already stored or
 * earlier in the same batch) is skipped, so it can never be counted twice by the projections.
 */
final class EventStore {
    private EventStore() {}

    /** An event with the entry that brought it. */
    record Sourced<E extends ChainEvent>(E event, StreamEntry entry) {}

    /** The events of a batch that were not stored before, by type. */
    record NewEvents(
            List<Sourced<AtomCreated>> atoms,
            List<Sourced<TripleCreated>> triples,
            List<Sourced<Deposited>> deposits,
            List<Sourced<Redeemed>> redeems,
            List<Sourced<SharePriceChanged>> prices,
            List<Sourced<Generic>> generics) {
        static NewEvents empty() {
            return new NewEvents(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        }

        int size() {
            return atoms.size() + triples.size() + deposits.size() + redeems.size() + prices.size() + generics.size();
        }

        NewEvents plus(NewEvents o) {
            return new NewEvents(
                    concat(atoms, o.atoms),
                    concat(triples, o.triples),
                    concat(deposits, o.deposits),
                    concat(redeems, o.redeems),
                    concat(prices, o.prices),
                    concat(generics, o.generics));
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            if (b.isEmpty()) {
                return a;
            }
            List<T> out = new ArrayList<>(a.size() + b.size());
            out.addAll(a);
            out.addAll(b);
            return out;
        }

        List<Sourced<? extends ChainEvent>> all() {
            List<Sourced<? extends ChainEvent>> out = new ArrayList<>(size());
            out.addAll(atoms);
            out.addAll(triples);
            out.addAll(deposits);
            out.addAll(redeems);
            out.addAll(prices);
            out.addAll(generics);
            return out;
        }
    }

    private record Col<E extends ChainEvent>(String name, String type, Function<Sourced<E>, Object> value) {}

    private record Key(String tx, long log) {}

    private static final java.util.Comparator<Sourced<?>> KEY_ORDER = java.util.Comparator.comparing(
                    (Sourced<?> s) -> s.event().meta().transactionHash())
            .thenComparingLong(s -> s.event().meta().logIndex());

    static NewEvents insert(Connection c, List<ParsedEntry> entries, Instant now) throws SQLException {
        Map<Class<?>, List<Sourced<? extends ChainEvent>>> byType = new LinkedHashMap<>();
        Map<Class<?>, Map<Key, String>> seen = new LinkedHashMap<>();
        for (ParsedEntry p : entries) {
            for (ChainEvent e : p.events()) {
                Key k = new Key(e.meta().transactionHash(), e.meta().logIndex());
                String firstBlock = seen.computeIfAbsent(e.getClass(), x -> new HashMap<>())
                        .putIfAbsent(k, e.meta().blockHash());
                if (firstBlock == null) {
                    byType.computeIfAbsent(e.getClass(), x -> new ArrayList<>()).add(new Sourced<>(e, p.entry()));
                } else if (!firstBlock.equals(e.meta().blockHash())) {
                    // Both copies in one batch, one from each side of a reorg: keeping the first
                    // would lose the event when the notification (in this batch or a later one)
                    // removes it. Failing the batch commits its entries one by one instead, in order,
                    // where the stored-copy check below applies.
                    throw new OtherBlock("event " + k.tx() + "/" + k.log() + " arrived from blocks " + firstBlock
                            + " and " + e.meta().blockHash() + " in one batch (a reorg between them?)");
                }
            }
        }
        return new NewEvents(
                insert(c, "atom_created_events", typed(byType, AtomCreated.class), ATOM_COLS, now),
                insert(c, "triple_created_events", typed(byType, TripleCreated.class), TRIPLE_COLS, now),
                insert(c, "deposited_events", typed(byType, Deposited.class), DEPOSIT_COLS, now),
                insert(c, "redeemed_events", typed(byType, Redeemed.class), REDEEM_COLS, now),
                insert(c, "share_price_changed_events", typed(byType, SharePriceChanged.class), PRICE_COLS, now),
                insert(c, "generic_events", typed(byType, Generic.class), GENERIC_COLS, now));
    }

    @SuppressWarnings("unchecked")
    private static <E extends ChainEvent> List<Sourced<E>> typed(
            Map<Class<?>, List<Sourced<? extends ChainEvent>>> m, Class<E> type) {
        List<Sourced<? extends ChainEvent>> l = m.getOrDefault(type, List.of());
        return (List<Sourced<E>>) (List<?>) l;
    }

    private static <E extends ChainEvent> List<Sourced<E>> insert(
            Connection c, String table, List<Sourced<E>> rows, List<Col<E>> specific, Instant now) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Col<E>> cols = new ArrayList<>();
        cols.add(new Col<>("transaction_hash", "text", s -> s.event().meta().transactionHash()));
        cols.add(new Col<>("log_index", "bigint", s -> s.event().meta().logIndex()));
        cols.addAll(specific);
        cols.add(new Col<>("address", "text", s -> s.event().meta().address()));
        cols.add(new Col<>("block_hash", "text", s -> s.event().meta().blockHash()));
        cols.add(new Col<>("block_number", "bigint", s -> s.event().meta().blockNumber()));
        cols.add(new Col<>("network", "text", s -> s.event().meta().network()));
        cols.add(new Col<>("chain_id", "bigint", s -> s.event().meta().chainId()));
        cols.add(new Col<>("transaction_index", "bigint", s -> s.event().meta().transactionIndex()));
        cols.add(new Col<>(
                "block_timestamp", "timestamptz", s -> s.event().meta().blockTimestamp()));
        cols.add(new Col<>("source_stream", "text", s -> s.entry().stream()));
        cols.add(new Col<>("source_entry_ms", "bigint", s -> s.entry().publishedMillis()));
        cols.add(new Col<>("source_entry_seq", "bigint", s -> s.entry().publishedSequence()));

        StringBuilder names = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        for (Col<E> col : cols) {
            names.append(col.name()).append(", ");
            arrays.append(arrays.isEmpty() ? "" : ", ")
                    .append("?::")
                    .append(col.type())
                    .append("[]");
        }
        // In key order (sorted here, where it is cheaper than in the database; unnest keeps the
        // order): batches insert under the writer lock, but an instance of an older version inserts
        // before taking it, and a fixed order, table by table and key by key, keeps two such
        // batches that share duplicates from waiting on each other in a cycle.
        rows = new ArrayList<>(rows);
        rows.sort(KEY_ORDER);
        String sql = "INSERT INTO " + table + " (" + names + "created_at) SELECT u.*, ? FROM unnest(" + arrays
                + ") AS u ON CONFLICT (transaction_hash, log_index) DO NOTHING"
                + " RETURNING transaction_hash, log_index";
        Set<Key> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            // The created_at parameter comes first in the statement text, then one array per column.
            ps.setTimestamp(1, Timestamp.from(now));
            int i = 2;
            for (Col<E> col : cols) {
                String[] values = new String[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    Object v = col.value().apply(rows.get(r));
                    values[r] = v == null ? null : v.toString();
                }
                ps.setArray(i++, c.createArrayOf("text", values));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(new Key(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        if (inserted.size() == rows.size()) {
            return rows;
        }
        List<Sourced<E>> fresh = new ArrayList<>(inserted.size());
        List<Sourced<E>> skipped = new ArrayList<>();
        for (Sourced<E> s : rows) {
            Meta m = s.event().meta();
            (inserted.contains(new Key(m.transactionHash(), m.logIndex())) ? fresh : skipped).add(s);
        }
        checkSameBlock(c, table, skipped);
        return fresh;
    }

    /**
     * Deletes the stored rows of the events that match (inserted by this transaction) and
     * returns the rest.
     */
    static NewEvents remove(Connection c, NewEvents events, java.util.function.Predicate<Sourced<?>> doomed)
            throws SQLException {
        return new NewEvents(
                remove(c, "atom_created_events", events.atoms(), doomed),
                remove(c, "triple_created_events", events.triples(), doomed),
                remove(c, "deposited_events", events.deposits(), doomed),
                remove(c, "redeemed_events", events.redeems(), doomed),
                remove(c, "share_price_changed_events", events.prices(), doomed),
                remove(c, "generic_events", events.generics(), doomed));
    }

    private static <E extends ChainEvent> List<Sourced<E>> remove(
            Connection c, String table, List<Sourced<E>> rows, java.util.function.Predicate<Sourced<?>> doomed)
            throws SQLException {
        List<Sourced<E>> kept = new ArrayList<>(rows.size());
        List<String> txs = new ArrayList<>();
        List<String> logs = new ArrayList<>();
        for (Sourced<E> s : rows) {
            if (doomed.test(s)) {
                txs.add(s.event().meta().transactionHash());
                logs.add(String.valueOf(s.event().meta().logIndex()));
            } else {
                kept.add(s);
            }
        }
        if (!txs.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                    + " e USING unnest(?::text[], ?::bigint[]) AS u(t, l) WHERE e.transaction_hash = u.t"
                    + " AND e.log_index = u.l")) {
                ps.setArray(1, c.createArrayOf("text", txs.toArray(String[]::new)));
                ps.setArray(2, c.createArrayOf("text", logs.toArray(String[]::new)));
                ps.executeUpdate();
            }
        }
        return kept;
    }

    /**
     * The same event from another block: the chain reorganised and the notification has not been
     * applied yet (another worker holds it). Skipping the event would lose it when the rollback
     * then deletes the stored version, so the entry fails and is retried after the rollback.
     */
    static final class OtherBlock extends RuntimeException {
        OtherBlock(String message) {
            super(message);
        }
    }

    private static <E extends ChainEvent> void checkSameBlock(Connection c, String table, List<Sourced<E>> skipped)
            throws SQLException {
        if (skipped.isEmpty()) {
            return;
        }
        String[] txs = new String[skipped.size()];
        String[] logs = new String[skipped.size()];
        String[] hashes = new String[skipped.size()];
        for (int i = 0; i < skipped.size(); i++) {
            Meta m = skipped.get(i).event().meta();
            txs[i] = m.transactionHash();
            logs[i] = String.valueOf(m.logIndex());
            hashes[i] = m.blockHash();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT e.transaction_hash, e.log_index, e.block_hash, u.h FROM "
                + table + " e JOIN unnest(?::text[], ?::bigint[], ?::text[]) AS u(t, l, h)"
                + " ON e.transaction_hash = u.t AND e.log_index = u.l WHERE e.block_hash <> u.h LIMIT 1")) {
            ps.setArray(1, c.createArrayOf("text", txs));
            ps.setArray(2, c.createArrayOf("text", logs));
            ps.setArray(3, c.createArrayOf("text", hashes));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new OtherBlock("event " + rs.getString(1) + "/" + rs.getLong(2) + " is stored from block "
                            + rs.getString(3) + " but arrived from block " + rs.getString(4)
                            + " (reorg notification not applied yet?)");
                }
            }
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    /** atomData as text when it is valid UTF-8 (almost always: a URI or JSON), else NULL. */
    static String utf8OrNull(byte[] data) {
        String s = RawEntries.strictUtf8(data);
        // PostgreSQL text cannot hold NUL.
        return s == null || s.indexOf('\0') >= 0 ? null : s;
    }

    private static final List<Col<AtomCreated>> ATOM_COLS = List.of(
            new Col<>("creator", "text", s -> s.event().creator()),
            new Col<>("term_id", "text", s -> s.event().termId()),
            new Col<>("atom_data", "text", s -> utf8OrNull(s.event().atomData())),
            new Col<>("raw_data", "bytea", s -> "\\x" + HEX.formatHex(s.event().atomData())),
            new Col<>("atom_wallet", "text", s -> s.event().atomWallet()));

    private static final List<Col<TripleCreated>> TRIPLE_COLS = List.of(
            new Col<>("creator", "text", s -> s.event().creator()),
            new Col<>("term_id", "text", s -> s.event().termId()),
            new Col<>("subject_id", "text", s -> s.event().subjectId()),
            new Col<>("predicate_id", "text", s -> s.event().predicateId()),
            new Col<>("object_id", "text", s -> s.event().objectId()),
            new Col<>("counter_term_id", "text", s -> s.event().counterTermId()));

    private static final List<Col<Deposited>> DEPOSIT_COLS = List.of(
            new Col<>("sender", "text", s -> s.event().sender()),
            new Col<>("receiver", "text", s -> s.event().receiver()),
            new Col<>("term_id", "text", s -> s.event().termId()),
            new Col<>("curve_id", "numeric", s -> s.event().curveId()),
            new Col<>("assets", "numeric", s -> s.event().assets()),
            new Col<>("assets_after_fees", "numeric", s -> s.event().assetsAfterFees()),
            new Col<>("shares", "numeric", s -> s.event().shares()),
            new Col<>("total_shares", "numeric", s -> s.event().totalShares()),
            new Col<>("vault_type", "smallint", s -> s.event().vaultType()));

    private static final List<Col<Redeemed>> REDEEM_COLS = List.of(
            new Col<>("sender", "text", s -> s.event().sender()),
            new Col<>("receiver", "text", s -> s.event().receiver()),
            new Col<>("term_id", "text", s -> s.event().termId()),
            new Col<>("curve_id", "numeric", s -> s.event().curveId()),
            new Col<>("shares", "numeric", s -> s.event().shares()),
            new Col<>("total_shares", "numeric", s -> s.event().totalShares()),
            new Col<>("assets", "numeric", s -> s.event().assets()),
            new Col<>("fees", "numeric", s -> s.event().fees()),
            new Col<>("vault_type", "smallint", s -> s.event().vaultType()));

    private static final List<Col<SharePriceChanged>> PRICE_COLS = List.of(
            new Col<>("term_id", "text", s -> s.event().termId()),
            new Col<>("curve_id", "numeric", s -> s.event().curveId()),
            new Col<>("share_price", "numeric", s -> s.event().sharePrice()),
            new Col<>("total_assets", "numeric", s -> s.event().totalAssets()),
            new Col<>("total_shares", "numeric", s -> s.event().totalShares()),
            new Col<>("vault_type", "smallint", s -> s.event().vaultType()));

    private static final List<Col<Generic>> GENERIC_COLS = List.of(
            new Col<>("event_name", "text", s -> s.event().eventName()),
            new Col<>("event_signature_hash", "text", s -> s.event().signatureHash()),
            new Col<>("event_data", "jsonb", s -> s.event().json()));
}
