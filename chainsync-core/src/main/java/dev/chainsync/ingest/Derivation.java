package dev.chainsync.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Computes the derived tables from the event tables: for every key ({@link Scope#ALL}, the
 * rebuild) or for the keys listed in temporary tables ({@link Scope#KEYED}, a reorg rollback).
 * This is the definition the incremental {@link Projections} must agree with.
 */
final class Derivation {
    /** The steps in dependency order; each replaces one table's rows in scope. */
    static final List<String> STEPS = List.of(
            "atom",
            "triple",
            "position",
            "vault",
            "term",
            "triple_vault",
            "triple_term",
            "predicate_object",
            "subject_predicate");

    /** Which keys to recompute. */
    enum Scope {
        ALL,
        /** The keys in the temp tables rk_atom, rk_triple, rk_position, rk_vault, rk_term, rk_tv, rk_po, rk_sp. */
        KEYED
    }

    private Derivation() {}

    /** Runs every step; {@code progress} hears the index of each step finished. */
    static void derive(Connection c, Scope scope, IntConsumer progress) throws SQLException {
        Filters f = Filters.of(scope);
        try (Statement s = c.createStatement()) {
            atoms(s, f);
            progress.accept(0);
            triples(s, f);
            progress.accept(1);
            positions(s, f);
            progress.accept(2);
            vaults(s, f);
            progress.accept(3);
            terms(s, f);
            progress.accept(4);
            tripleVaults(s, f);
            progress.accept(5);
            tripleTerms(s, f);
            progress.accept(6);
            rebuildPairs(s, "predicate_object", "predicate_id", "object_id", f.predicateObject());
            progress.accept(7);
            rebuildPairs(s, "subject_predicate", "subject_id", "predicate_id", f.subjectPredicate());
            progress.accept(8);
        }
    }

    /**
     * The WHERE condition of each step's rows in scope: {@code TRUE}, or membership in that key's
     * temp table. Each takes the column names of the table it filters as its {@code %s}.
     */
    private record Filters(
            String atom,
            String triple,
            String position,
            String vault,
            String term,
            String tripleVault,
            String predicateObject,
            String subjectPredicate) {
        static Filters of(Scope scope) {
            if (scope == Scope.ALL) {
                return new Filters("TRUE", "TRUE", "TRUE", "TRUE", "TRUE", "TRUE", "TRUE", "TRUE");
            }
            return new Filters(
                    "%s IN (SELECT term_id FROM rk_atom)",
                    "%s IN (SELECT term_id FROM rk_triple)",
                    "(%s, %s, %s) IN (SELECT account_id, term_id, curve_id FROM rk_position)",
                    "(%s, %s) IN (SELECT term_id, curve_id FROM rk_vault)",
                    "%s IN (SELECT id FROM rk_term)",
                    "%s IN (SELECT term_id FROM rk_tv)",
                    "(%s, %s) IN (SELECT predicate_id, object_id FROM rk_po)",
                    "(%s, %s) IN (SELECT subject_id, predicate_id FROM rk_sp)");
        }
    }

    /** Atoms: the latest creation event per term (there is one on chain). */
    private static void atoms(Statement s, Filters f) throws SQLException {
        s.executeUpdate("DELETE FROM atom WHERE " + f.atom().formatted("term_id"));
        s.executeUpdate("""
                INSERT INTO atom (term_id, creator_id, wallet_id, data, raw_data, transaction_hash, last_event_block,
                                  last_event_log_index, created_at)
                SELECT DISTINCT ON (term_id) term_id, creator, atom_wallet, atom_data, raw_data, transaction_hash,
                       block_number, log_index, block_timestamp
                  FROM atom_created_events WHERE %s
                 ORDER BY term_id, block_number DESC, log_index DESC""".formatted(f.atom().formatted("term_id")));
    }

    /** Triples: the latest creation event per triple term. */
    private static void triples(Statement s, Filters f) throws SQLException {
        s.executeUpdate("DELETE FROM triple WHERE " + f.triple().formatted("term_id"));
        s.executeUpdate("""
                INSERT INTO triple (term_id, counter_term_id, creator_id, subject_id, predicate_id, object_id,
                                    transaction_hash, last_event_block, last_event_log_index, created_at)
                SELECT DISTINCT ON (term_id) term_id, counter_term_id, creator, subject_id, predicate_id, object_id,
                       transaction_hash, block_number, log_index, block_timestamp
                  FROM triple_created_events WHERE %s
                 ORDER BY term_id, block_number DESC, log_index DESC""".formatted(f.triple().formatted("term_id")));
    }

    /** Positions: the latest shares per account and vault, with the sums deposited and redeemed. */
    private static void positions(Statement s, Filters f) throws SQLException {
        String dF = f.position().formatted("receiver", "term_id", "curve_id");
        s.executeUpdate("DELETE FROM position WHERE " + f.position().formatted("account_id", "term_id", "curve_id"));
        s.executeUpdate("""
                WITH e AS (
                    SELECT receiver AS account_id, term_id, curve_id, block_number, log_index, transaction_hash,
                           transaction_index, total_shares, assets_after_fees AS deposit, 0::numeric AS redeem,
                           block_timestamp AS ts
                      FROM deposited_events WHERE %1$s
                    UNION ALL
                    SELECT receiver, term_id, curve_id, block_number, log_index, transaction_hash,
                           transaction_index, total_shares, 0, assets, block_timestamp
                      FROM redeemed_events WHERE %1$s
                ), latest AS (
                    SELECT DISTINCT ON (account_id, term_id, curve_id) * FROM e
                     ORDER BY account_id, term_id, curve_id, block_number DESC, log_index DESC
                ), sums AS (
                    SELECT account_id, term_id, curve_id, sum(deposit) AS deposit, sum(redeem) AS redeem,
                           min(ts) AS first_ts
                      FROM e GROUP BY account_id, term_id, curve_id
                )
                INSERT INTO position (account_id, term_id, curve_id, shares, total_deposit_assets_after_total_fees,
                                      total_redeem_assets_for_receiver, block_number, log_index, transaction_hash,
                                      transaction_index, created_at, updated_at)
                SELECT l.account_id, l.term_id, l.curve_id, l.total_shares, s.deposit, s.redeem, l.block_number,
                       l.log_index, l.transaction_hash, l.transaction_index, s.first_ts, l.ts
                  FROM latest l JOIN sums s USING (account_id, term_id, curve_id)""".formatted(dF));
    }

    /** Vaults: the latest share price, the market cap and the count of positions holding shares. */
    private static void vaults(Statement s, Filters f) throws SQLException {
        String pF = f.vault().formatted("term_id", "curve_id");
        s.executeUpdate("DELETE FROM vault WHERE " + pF);
        s.executeUpdate("""
                WITH keys AS (
                    SELECT term_id, curve_id FROM share_price_changed_events WHERE %1$s
                    UNION
                    SELECT term_id, curve_id FROM position WHERE %1$s
                ), latest AS (
                    SELECT DISTINCT ON (term_id, curve_id) * FROM share_price_changed_events WHERE %1$s
                     ORDER BY term_id, curve_id, block_number DESC, log_index DESC
                ), first AS (
                    SELECT term_id, curve_id, min(block_timestamp) AS first_ts
                      FROM share_price_changed_events WHERE %1$s GROUP BY term_id, curve_id
                ), counts AS (
                    SELECT term_id, curve_id, count(*) FILTER (WHERE shares > 0) AS n
                      FROM position WHERE %1$s GROUP BY term_id, curve_id
                )
                INSERT INTO vault (term_id, curve_id, total_shares, current_share_price, total_assets, market_cap,
                                   position_count, vault_type, last_price_event_block, last_price_event_log_index,
                                   created_at, updated_at)
                SELECT k.term_id, k.curve_id, coalesce(l.total_shares, 0), coalesce(l.share_price, 0),
                       coalesce(l.total_assets, 0), coalesce(%2$s, 0), coalesce(n.n, 0),
                       -- vault_type is constant per term on chain; without a price event take a deposit's
                       coalesce(l.vault_type,
                                (SELECT d.vault_type FROM deposited_events d
                                  WHERE d.term_id = k.term_id AND d.curve_id = k.curve_id LIMIT 1),
                                (SELECT r.vault_type FROM redeemed_events r
                                  WHERE r.term_id = k.term_id AND r.curve_id = k.curve_id LIMIT 1)),
                       l.block_number, l.log_index, f.first_ts, l.block_timestamp
                  FROM keys k
                  LEFT JOIN latest l USING (term_id, curve_id)
                  LEFT JOIN first f USING (term_id, curve_id)
                  LEFT JOIN counts n USING (term_id, curve_id)""".formatted(pF, Projections.MARKET_CAP.formatted("l.total_shares", "l.share_price")));
    }

    /** Terms: every atom, triple, counter triple and vault id, with the vaults' summed assets and market cap. */
    private static void terms(Statement s, Filters f) throws SQLException {
        s.executeUpdate("DELETE FROM term WHERE " + f.term().formatted("id"));
        s.executeUpdate("""
                WITH ids AS (
                    SELECT term_id AS id FROM atom WHERE %1$s
                    UNION SELECT term_id FROM triple WHERE %1$s
                    UNION SELECT counter_term_id FROM triple WHERE %2$s
                    UNION SELECT term_id FROM vault WHERE %1$s
                ), sums AS (
                    SELECT term_id, sum(total_assets) AS total_assets, sum(market_cap) AS market_cap
                      FROM vault WHERE %1$s GROUP BY term_id
                ), triples AS (
                    SELECT term_id AS id, term_id AS triple_id FROM triple WHERE %1$s
                    UNION ALL
                    SELECT counter_term_id, counter_term_id FROM triple WHERE %2$s
                )
                INSERT INTO term (id, type, atom_id, triple_id, total_assets, total_market_cap)
                SELECT i.id,
                       CASE WHEN a.term_id IS NOT NULL THEN 'Atom' WHEN tr.triple_id IS NOT NULL THEN 'Triple'
                            ELSE 'Unknown' END,
                       a.term_id, tr.triple_id, coalesce(v.total_assets, 0), coalesce(v.market_cap, 0)
                  FROM ids i
                  LEFT JOIN atom a ON a.term_id = i.id
                  LEFT JOIN triples tr ON tr.id = i.id
                  LEFT JOIN sums v ON v.term_id = i.id""".formatted(f.term().formatted("term_id"), f.term().formatted("counter_term_id")));
    }

    /** Triple vaults: a triple's and its counter triple's vaults summed per curve. */
    private static void tripleVaults(Statement s, Filters f) throws SQLException {
        String tF = f.tripleVault().formatted("t.term_id");
        s.executeUpdate("DELETE FROM triple_vault WHERE " + f.tripleVault().formatted("term_id"));
        s.executeUpdate("""
                WITH v AS (
                    SELECT t.term_id, t.counter_term_id, v.curve_id, v.total_shares, v.total_assets,
                           v.position_count, v.market_cap
                      FROM triple t JOIN vault v ON v.term_id = t.term_id WHERE %1$s
                    UNION ALL
                    SELECT t.term_id, t.counter_term_id, v.curve_id, v.total_shares, v.total_assets,
                           v.position_count, v.market_cap
                      FROM triple t JOIN vault v ON v.term_id = t.counter_term_id WHERE %1$s
                )
                INSERT INTO triple_vault (term_id, counter_term_id, curve_id, total_shares, total_assets,
                                          position_count, market_cap)
                SELECT term_id, counter_term_id, curve_id, sum(total_shares), sum(total_assets),
                       sum(position_count), sum(market_cap)
                  FROM v GROUP BY term_id, counter_term_id, curve_id""".formatted(tF));
    }

    /** Triple terms: a triple's vaults summed over every curve. */
    private static void tripleTerms(Statement s, Filters f) throws SQLException {
        s.executeUpdate("DELETE FROM triple_term WHERE " + f.tripleVault().formatted("term_id"));
        s.executeUpdate("""
                INSERT INTO triple_term (term_id, counter_term_id, total_assets, total_market_cap,
                                         total_position_count)
                SELECT t.term_id, t.counter_term_id, coalesce(sum(x.total_assets), 0),
                       coalesce(sum(x.market_cap), 0), coalesce(sum(x.position_count), 0)
                  FROM triple t LEFT JOIN triple_vault x ON x.term_id = t.term_id
                 WHERE %s
                 GROUP BY t.term_id, t.counter_term_id""".formatted(f.tripleVault().formatted("t.term_id")));
    }

    /**
     * Recomputes a pair table ({@code predicate_object} or {@code subject_predicate}) for the pairs
     * {@code filter} selects; {@code filter} takes the two column names as its two {@code %s}.
     */
    private static void rebuildPairs(Statement s, String table, String first, String second, String filter)
            throws SQLException {
        s.executeUpdate("DELETE FROM " + table + " WHERE " + filter.formatted(first, second));
        s.executeUpdate("""
                INSERT INTO %1$s (%2$s, %3$s, triple_count, total_position_count, total_market_cap)
                SELECT t.%2$s, t.%3$s, count(*), sum(tt.total_position_count), sum(tt.total_market_cap)
                  FROM triple t JOIN triple_term tt USING (term_id)
                 WHERE %4$s
                 GROUP BY t.%2$s, t.%3$s""".formatted(table, first, second, filter.formatted("t." + first, "t." + second)));
    }
}
