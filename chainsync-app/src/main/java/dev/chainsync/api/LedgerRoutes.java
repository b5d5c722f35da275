package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.db.DataAccessException;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.ledger.Ledger;
import dev.chainsync.ledger.LedgerException;
import dev.chainsync.ledger.TransferBatcher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accounts, atomic transfers, the journal, and the admin mint and burn. */
final class LedgerRoutes {
    private final Ledger ledger;
    private final Idempotent idempotent;
    private final TransferBatcher transfers;

    LedgerRoutes(Ledger ledger, Idempotent idempotent, TransferBatcher transfers) {
        this.ledger = ledger;
        this.idempotent = idempotent;
        this.transfers = transfers;
    }

    void register(Javalin javalin) {
        javalin.post("/v1/accounts", this::createAccount);
        javalin.get("/v1/accounts/{id}", this::account);
        javalin.get("/v1/accounts/{id}/entries", this::entries);
        javalin.post("/v1/transfers", this::transfer);
        javalin.get("/v1/transfers/{id}", this::getTransfer);
        javalin.post("/v1/admin/mints", ctx -> mintOrBurn(ctx, true));
        javalin.post("/v1/admin/burns", ctx -> mintOrBurn(ctx, false));
    }

    private void createAccount(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        String name = Bodies.name(body, "name", Bodies.MAX_NAME_CHARS);
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            Ledger.Account a = guard(() -> ledger.createAccount(tx, name));
            return Idempotent.json(201, accountView(a), "/v1/accounts/" + a.id());
        });
    }

    private void account(Context ctx) {
        String id = ctx.pathParam("id");
        Ledger.Account a = ledger.account(id).orElseThrow(() -> ApiProblem.notFound("no account " + id));
        ctx.json(accountView(a));
    }

    private void entries(Context ctx) {
        String id = ctx.pathParam("id");
        if (ledger.account(id).isEmpty()) {
            throw ApiProblem.notFound("no account " + id);
        }
        int limit = Paging.limit(ctx);
        List<Ledger.Entry> page = ledger.entries(id, Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, Ledger.Entry::id, e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("transfer_id", e.transferId());
            m.put("currency", e.currency());
            m.put("amount", e.amount().toPlainString());
            m.put("balance_after", e.balanceAfter().toPlainString());
            m.put("created_at", e.createdAt());
            return m;
        }));
    }

    private void transfer(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        String from = Bodies.text(body, "from", true);
        String to = Bodies.text(body, "to", true);
        String amount = Bodies.decimal(body, "amount");
        String currency = Bodies.text(body, "currency", true);
        Ledger.TransferOrder order;
        try {
            order = ledger.order(from, to, amount, currency);
        } catch (LedgerException e) {
            throw problem(e);
        }
        idempotent.respond(
                ctx,
                Idempotent.fingerprint(ctx, body),
                () -> created(refusals(() -> transfers.transfer(order))),
                claim -> refusals(() -> transfers.transfer(order, claim, LedgerRoutes::created)));
    }

    private static Idempotency.StoredResponse created(Ledger.Transfer t) {
        return Idempotent.json(201, transferView(t), "/v1/transfers/" + t.id());
    }

    private void mintOrBurn(Context ctx, boolean mint) {
        JsonNode body = Bodies.json(ctx);
        String account = Bodies.text(body, "account", true);
        String amount = Bodies.decimal(body, "amount");
        String currency = Bodies.text(body, "currency", true);
        validate(() -> ledger.amount(amount, currency));
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            Ledger.Transfer t = guard(() ->
                    mint ? ledger.mint(tx, account, amount, currency) : ledger.burn(tx, account, amount, currency));
            return Idempotent.json(201, transferView(t), "/v1/transfers/" + t.id());
        });
    }

    private void getTransfer(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.json(transferView(ledger.findTransfer(id).orElseThrow(() -> ApiProblem.notFound("no transfer " + id))));
    }

    static Map<String, Object> accountView(Ledger.Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("name", a.name());
        Map<String, String> balances = new LinkedHashMap<>();
        a.balances().forEach((c, v) -> balances.put(c, v.toPlainString()));
        m.put("balances", balances);
        m.put("created_at", a.createdAt());
        return m;
    }

    static Map<String, Object> transferView(Ledger.Transfer t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("kind", t.kind());
        m.put("from", t.from());
        m.put("to", t.to());
        m.put("amount", t.amount().toPlainString());
        m.put("currency", t.currency());
        m.put("created_at", t.createdAt());
        return m;
    }

    @FunctionalInterface
    private interface LedgerCall<T> {
        T call() throws java.sql.SQLException;
    }

    @FunctionalInterface
    private interface LedgerCheck {
        void check();
    }

    private static void validate(LedgerCheck check) {
        try {
            check.check();
        } catch (LedgerException e) {
            throw problem(e);
        }
    }

    private static <T> T guard(LedgerCall<T> call) throws java.sql.SQLException {
        try {
            return call.call();
        } catch (LedgerException e) {
            throw problem(e);
        } catch (java.sql.SQLException e) {
            if (NUMERIC_OVERFLOW.equals(e.getSQLState())) {
                throw amountOutOfRange();
            }
            throw e;
        }
    }

    /** Maps a ledger refusal or a balance overflow from work run by the transfer batcher. */
    private static <T> T refusals(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (LedgerException e) {
            throw problem(e);
        } catch (TransferBatcher.OutcomeUnknown e) {
            throw new ApiProblem(
                    500,
                    "outcome-unknown",
                    "Transfer outcome unknown",
                    e.getMessage() + "; send it again with the same Idempotency-Key, which is safe either way",
                    null);
        } catch (DataAccessException e) {
            if (NUMERIC_OVERFLOW.equals(e.sqlState())) {
                throw amountOutOfRange();
            }
            throw e;
        }
    }

    private static ApiProblem amountOutOfRange() {
        return new ApiProblem(
                422,
                "amount-out-of-range",
                "Amount out of range",
                "the resulting balance would exceed what the ledger can hold",
                Map.of("field", "amount"));
    }

    /** SQLSTATE of a NUMERIC(38, 18) overflow. */
    private static final String NUMERIC_OVERFLOW = "22003";

    static ApiProblem problem(LedgerException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> ApiProblem.notFound(e.getMessage());
            case INSUFFICIENT_FUNDS ->
                new ApiProblem(
                        422, "insufficient-funds", "Insufficient funds", e.getMessage(), Map.of("field", e.field()));
            default -> ApiProblem.badRequest(e.getMessage(), e.field());
        };
    }
}
