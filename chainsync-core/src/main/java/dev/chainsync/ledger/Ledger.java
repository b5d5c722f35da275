package dev.chainsync.ledger;

import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.webhook.WebhookOutbox;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts with balances per currency and atomic transfers between them. A transfer is one
 * transaction: it locks both balance rows in a fixed order (so two opposite transfers cannot
 * deadlock), refuses to overdraw, writes two journal entries and emits {@code transfer.completed}.
 * Only mints and burns change the total of a currency.
 */
public final class Ledger {
    public static final Pattern ACCOUNT_ID = Pattern.compile("acc_[0-9A-Za-z]{20}");
    static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Decimal places NUMERIC(38, 18) can hold before the point. */
    static final int MAX_INTEGER_DIGITS = 20;
    /** Longest amount text accepted: 20 integer digits, a point, 18 decimals and then some for notation. */
    static final int MAX_AMOUNT_CHARS = 64;

    private final Jdbc jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, Integer> scales;

    public Ledger(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public record Account(String id, String name, Map<String, BigDecimal> balances, Instant createdAt) {}

    public record Transfer(
            String id, String kind, String from, String to, BigDecimal amount, String currency, Instant createdAt) {}

    public record Entry(
            long id,
            String transferId,
            String accountId,
            String currency,
            BigDecimal amount,
            BigDecimal balanceAfter,
            Instant createdAt) {}

    /** Currency code to its number of decimal places. */
    public Map<String, Integer> currencies() {
        Map<String, Integer> s = scales;
        if (s == null) {
            Map<String, Integer> loaded = new HashMap<>();
            jdbc.query("SELECT code, scale FROM currencies", r -> loaded.put(r.getString(1), r.getInt(2)));
            scales = s = Map.copyOf(loaded);
        }
        return s;
    }

    /** Parses and checks an amount for {@code currency}: positive, at most the currency's decimals. */
    public BigDecimal amount(String raw, String currency) {
        Integer scale = currencies().get(currency);
        if (scale == null) {
            throw new LedgerException(
                    LedgerException.Reason.UNKNOWN_CURRENCY,
                    "currency",
                    "unknown currency '" + currency + "'; known: "
                            + currencies().keySet().stream().sorted().toList());
        }
        String text = raw == null ? "" : raw.trim();
        if (text.length() > MAX_AMOUNT_CHARS) {
            // Parsing and scaling cost grows faster than the length: refuse before doing either.
            throw new LedgerException(
                    LedgerException.Reason.INVALID_AMOUNT,
                    "amount",
                    "amount has more than " + MAX_AMOUNT_CHARS + " characters");
        }
        BigDecimal v;
        try {
            v = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new LedgerException(
                    LedgerException.Reason.INVALID_AMOUNT,
                    "amount",
                    "amount must be a decimal number such as \"12.50\"");
        }
        if (v.signum() <= 0) {
            throw new LedgerException(LedgerException.Reason.INVALID_AMOUNT, "amount", "amount must be positive");
        }
        // Before anything expands it: 1E+1000000 is short text for a million digits.
        if (v.precision() - v.scale() > MAX_INTEGER_DIGITS) {
            throw new LedgerException(LedgerException.Reason.INVALID_AMOUNT, "amount", "amount is too large");
        }
        if (v.stripTrailingZeros().scale() > scale) {
            throw new LedgerException(
                    LedgerException.Reason.INVALID_AMOUNT,
                    "amount",
                    currency + " has " + scale + " decimal places; " + raw + " has more");
        }
        return v.setScale(scale);
    }

    public Account createAccount(Connection tx, String name) throws SQLException {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new LedgerException(
                    LedgerException.Reason.INVALID_REQUEST, "name", "name is required (at most 200 characters)");
        }
        Instant now = now();
        String id = "acc_" + randomBase62(20);
        Jdbc.update(tx, "INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)", id, name.trim(), now);
        return new Account(id, name.trim(), Map.of(), now);
    }

    public Optional<Account> account(String id) {
        return jdbc.withConnection(c -> {
            List<Account> found = Jdbc.query(
                    c,
                    "SELECT id, name, created_at FROM accounts WHERE id = ?",
                    r -> new Account(r.getString(1), r.getString(2), Map.of(), Jdbc.instant(r, "created_at")),
                    id);
            if (found.isEmpty()) {
                return Optional.<Account>empty();
            }
            Map<String, BigDecimal> balances = new java.util.TreeMap<>();
            Jdbc.query(
                    c,
                    "SELECT currency, amount FROM balances WHERE account_id = ?",
                    r -> balances.put(
                            r.getString(1),
                            r.getBigDecimal(2).setScale(currencies().get(r.getString(1)))),
                    id);
            Account a = found.getFirst();
            return Optional.of(new Account(a.id(), a.name(), balances, a.createdAt()));
        });
    }

    /** A transfer asked for and checked: accounts well-formed and distinct, amount valid for its currency. */
    public record TransferOrder(String from, String to, BigDecimal amount, String currency) {}

    /** What became of one order: the transfer made, or why it was refused (nothing written for it). */
    public record TransferResult(Transfer transfer, LedgerException refusal) {
        /** The transfer, or the refusal thrown. */
        public Transfer orThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return transfer;
        }
    }

    /** Checks a transfer request without touching the database; throws {@link LedgerException} if it is invalid. */
    public TransferOrder order(String from, String to, String rawAmount, String currency) {
        BigDecimal amount = amount(rawAmount, currency);
        if (from == null || to == null) {
            throw new LedgerException(
                    LedgerException.Reason.INVALID_REQUEST, from == null ? "from" : "to", "from and to are required");
        }
        if (from.equals(to)) {
            throw new LedgerException(LedgerException.Reason.SAME_ACCOUNT, "to", "from and to must differ");
        }
        for (String id : new String[] {from, to}) {
            if (!ACCOUNT_ID.matcher(id).matches()) {
                throw new LedgerException(LedgerException.Reason.NOT_FOUND, null, "no account " + id);
            }
        }
        return new TransferOrder(from, to, amount, currency);
    }

    /** Moves {@code amount} from one account to another, atomically, inside {@code tx}. */
    public Transfer transfer(Connection tx, String from, String to, String rawAmount, String currency)
            throws SQLException {
        return transfer(tx, order(from, to, rawAmount, currency));
    }

    /** Makes one checked transfer inside {@code tx}; throws {@link LedgerException} if it is refused. */
    public Transfer transfer(Connection tx, TransferOrder order) throws SQLException {
        return transferAll(tx, List.of(order)).getFirst().orThrow();
    }

    /**
     * Applies {@code orders} in order inside {@code tx}, in one round trip for the balances and the
     * journal plus one for their events. Each order is all or nothing: a refused one writes nothing
     * and later ones see the balances as if it had never been asked. Every balance row involved is
     * locked in a fixed order first, so concurrent calls queue instead of deadlocking.
     */
    public List<TransferResult> transferAll(Connection tx, List<TransferOrder> orders) throws SQLException {
        return transferAll(tx, orders, null);
    }

    /**
     * As {@link #transferAll(Connection, List)}, waiting at most {@code lockTimeout} (for the rest of
     * the transaction) for rows held elsewhere; {@code null} waits as long as it takes.
     */
    public List<TransferResult> transferAll(Connection tx, List<TransferOrder> orders, java.time.Duration lockTimeout)
            throws SQLException {
        int size = orders.size();
        Instant now = now();
        String[] ids = new String[size];
        String[] from = new String[size];
        String[] to = new String[size];
        BigDecimal[] amounts = new BigDecimal[size];
        String[] currencies = new String[size];
        for (int i = 0; i < size; i++) {
            TransferOrder o = orders.get(i);
            ids[i] = "tr_" + randomBase62(20);
            from[i] = o.from();
            to[i] = o.to();
            amounts[i] = o.amount();
            currencies[i] = o.currency();
        }
        TransferResult[] results = new TransferResult[size];
        List<String> events = new ArrayList<>(size);
        Jdbc.query(
                tx,
                "SELECT n, outcome, missing_account, from_balance FROM ledger_transfers(?, ?, ?, ?, ?, ?, ?::text) ORDER BY n",
                r -> {
                    int i = r.getInt(1) - 1;
                    TransferOrder o = orders.get(i);
                    switch (r.getString(2)) {
                        case "ok" -> {
                            Transfer t =
                                    new Transfer(ids[i], "transfer", o.from(), o.to(), o.amount(), o.currency(), now);
                            events.add(view(t));
                            results[i] = new TransferResult(t, null);
                        }
                        case "missing" ->
                            results[i] = new TransferResult(
                                    null,
                                    new LedgerException(
                                            LedgerException.Reason.NOT_FOUND, null, "no account " + r.getString(3)));
                        case "insufficient" ->
                            results[i] = new TransferResult(
                                    null,
                                    new LedgerException(
                                            LedgerException.Reason.INSUFFICIENT_FUNDS,
                                            "amount",
                                            "insufficient funds: " + o.from() + " holds "
                                                    + r.getBigDecimal(4)
                                                            .setScale(o.amount().scale()) + " " + o.currency()));
                        default -> throw new IllegalStateException("unexpected transfer outcome " + r.getString(2));
                    }
                    return null;
                },
                tx.createArrayOf("text", ids),
                tx.createArrayOf("text", from),
                tx.createArrayOf("text", to),
                tx.createArrayOf("numeric", amounts),
                tx.createArrayOf("text", currencies),
                now,
                lockTimeout == null ? null : lockTimeout.toMillis() + "ms");
        for (TransferResult result : results) {
            if (result == null) {
                throw new IllegalStateException("ledger_transfers did not answer every order");
            }
        }
        WebhookOutbox.emitAll(tx, "transfer.completed", events, now);
        return List.of(results);
    }

    /** Creates money in an account (admin only): the one way a currency's total grows. */
    public Transfer mint(Connection tx, String account, String rawAmount, String currency) throws SQLException {
        BigDecimal amount = amount(rawAmount, currency);
        requireAccounts(tx, account);
        Instant now = now();
        BigDecimal after = Jdbc.query(tx, """
                INSERT INTO balances (account_id, currency, amount, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id, currency) DO UPDATE SET amount = balances.amount + EXCLUDED.amount,
                                                                 updated_at = EXCLUDED.updated_at
                RETURNING amount""", r -> r.getBigDecimal(1), account, currency, amount, now)
                .getFirst();
        Transfer t = new Transfer("tr_" + randomBase62(20), "mint", null, account, amount, currency, now);
        record(tx, t, List.<Object[]>of(new Object[] {account, amount, after}));
        return t;
    }

    /** Destroys money in an account (admin only), never below zero. */
    public Transfer burn(Connection tx, String account, String rawAmount, String currency) throws SQLException {
        BigDecimal amount = amount(rawAmount, currency);
        requireAccounts(tx, account);
        Instant now = now();
        List<BigDecimal> after = Jdbc.query(tx, """
                UPDATE balances SET amount = amount - ?, updated_at = ?
                 WHERE account_id = ? AND currency = ? AND amount >= ? RETURNING amount""", r -> r.getBigDecimal(1), amount, now, account, currency, amount);
        if (after.isEmpty()) {
            throw new LedgerException(
                    LedgerException.Reason.INSUFFICIENT_FUNDS,
                    "amount",
                    "insufficient funds: cannot burn " + amount + " " + currency + " from " + account);
        }
        Transfer t = new Transfer("tr_" + randomBase62(20), "burn", account, null, amount, currency, now);
        record(tx, t, List.<Object[]>of(new Object[] {account, amount.negate(), after.getFirst()}));
        return t;
    }

    public Optional<Transfer> findTransfer(String id) {
        return jdbc.queryOne(
                "SELECT * FROM transfers WHERE id = ?",
                r -> new Transfer(
                        r.getString("id"),
                        r.getString("kind"),
                        r.getString("from_account"),
                        r.getString("to_account"),
                        r.getBigDecimal("amount").setScale(currencies().get(r.getString("currency"))),
                        r.getString("currency"),
                        Jdbc.instant(r, "created_at")),
                id);
    }

    /** A page of an account's journal, newest first, with ids below {@code beforeId}. */
    public List<Entry> entries(String accountId, Long beforeId, int limit) {
        return jdbc.query(
                """
                SELECT * FROM ledger_entries WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?""",
                r -> new Entry(
                        r.getLong("id"),
                        r.getString("transfer_id"),
                        r.getString("account_id"),
                        r.getString("currency"),
                        r.getBigDecimal("amount").setScale(currencies().get(r.getString("currency"))),
                        r.getBigDecimal("balance_after").setScale(currencies().get(r.getString("currency"))),
                        Jdbc.instant(r, "created_at")),
                accountId,
                beforeId == null ? Long.MAX_VALUE : beforeId,
                limit);
    }

    /** The sum of all balances of a currency. */
    public BigDecimal total(String currency) {
        return jdbc.queryOne(
                        "SELECT coalesce(sum(amount), 0) FROM balances WHERE currency = ?",
                        r -> r.getBigDecimal(1),
                        currency)
                .orElseThrow();
    }

    /**
     * Writes the transfer and its journal legs ({account, signed amount, balance after}) in one
     * round trip, then its {@code transfer.completed} event through the webhook outbox.
     */
    private static void record(Connection tx, Transfer t, List<Object[]> legs) throws SQLException {
        String[] accounts = legs.stream().map(l -> (String) l[0]).toArray(String[]::new);
        BigDecimal[] amounts = legs.stream().map(l -> (BigDecimal) l[1]).toArray(BigDecimal[]::new);
        BigDecimal[] after = legs.stream().map(l -> (BigDecimal) l[2]).toArray(BigDecimal[]::new);
        Jdbc.update(
                tx,
                """
                WITH transfer AS (
                    INSERT INTO transfers (id, kind, from_account, to_account, amount, currency, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id)
                INSERT INTO ledger_entries (transfer_id, account_id, currency, amount, balance_after, created_at)
                SELECT (SELECT id FROM transfer), u.account, ?, u.amount, u.after, ?
                  FROM unnest(?::text[], ?::numeric[], ?::numeric[]) WITH ORDINALITY AS u(account, amount, after, n)
                 ORDER BY u.n""",
                t.id(),
                t.kind(),
                t.from(),
                t.to(),
                t.amount(),
                t.currency(),
                t.createdAt(),
                t.currency(),
                t.createdAt(),
                tx.createArrayOf("text", accounts),
                tx.createArrayOf("numeric", amounts),
                tx.createArrayOf("numeric", after));
        WebhookOutbox.emit(tx, "transfer.completed", view(t), t.createdAt());
    }

    private static void requireAccounts(Connection tx, String... ids) throws SQLException {
        for (String id : ids) {
            if (id == null || !ACCOUNT_ID.matcher(id).matches()) {
                throw new LedgerException(LedgerException.Reason.NOT_FOUND, null, "no account " + id);
            }
        }
        List<String> found = Jdbc.query(
                tx, "SELECT id FROM accounts WHERE id = ANY (?)", r -> r.getString(1), tx.createArrayOf("text", ids));
        for (String id : ids) {
            if (!found.contains(id)) {
                throw new LedgerException(LedgerException.Reason.NOT_FOUND, null, "no account " + id);
            }
        }
    }

    /** The JSON payload of a transfer event; amounts as strings, never floating point. */
    public static String view(Transfer t) {
        return Json.object(
                "id",
                t.id(),
                "kind",
                t.kind(),
                "from",
                t.from(),
                "to",
                t.to(),
                "amount",
                t.amount().toPlainString(),
                "currency",
                t.currency(),
                "created_at",
                t.createdAt().toString());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private String randomBase62(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return sb.toString();
    }
}
