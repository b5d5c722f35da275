package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.ticket.OwnershipChange;
import dev.chainsync.ticket.PendingTransfer;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketEvent;
import dev.chainsync.ticket.TicketRequestException;
import dev.chainsync.ticket.TicketService;
import dev.chainsync.ticket.Wallets;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Events and NFT tickets: mint, transfer and burn go through the outbox (202, pending); the owner
 * changes only once the chain confirms.
 */
final class TicketRoutes {
    private final TicketService tickets;
    private final Idempotent idempotent;

    TicketRoutes(TicketService tickets, Idempotent idempotent) {
        this.tickets = tickets;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.post("/v1/events", this::createEvent);
        javalin.get("/v1/events/{id}", this::event);
        javalin.post("/v1/events/{id}/tickets", this::mint);
        javalin.get("/v1/tickets", this::list);
        javalin.get("/v1/tickets/{id}", this::ticket);
        javalin.post("/v1/tickets/{id}/transfers", this::transfer);
        javalin.post("/v1/tickets/{id}/burn", this::burn);
        javalin.get("/v1/tickets/{id}/history", this::history);
    }

    private void createEvent(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        TicketService.NewEvent e = new TicketService.NewEvent(
                Bodies.name(body, "name", TicketService.MAX_TEXT),
                Bodies.name(body, "venue", TicketService.MAX_TEXT),
                instant(body, "starts_at"),
                integer(body, "capacity"),
                decimal(body, "price", true),
                integer(body, "royalty_bps"));
        invalid(() -> TicketService.validate(e));
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            TicketEvent created = refusals(() -> tickets.createEvent(tx, e));
            return Idempotent.json(201, eventView(created), "/v1/events/" + created.id());
        });
    }

    private void event(Context ctx) {
        UUID id = id(ctx, "event");
        ctx.json(eventView(tickets.event(id).orElseThrow(() -> ApiProblem.notFound("no event " + id))));
    }

    private void mint(Context ctx) {
        UUID eventId = id(ctx, "event");
        JsonNode body = Bodies.json(ctx);
        String owner = Bodies.text(body, "owner", true);
        String seat = Bodies.text(body, "seat", true);
        invalid(() -> TicketService.validateMint(owner, seat));
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            TicketService.Accepted a = refusals(() -> tickets.mint(tx, eventId, owner, seat));
            return Idempotent.json(
                    202,
                    accepted(ticketView(a.ticket(), List.of()), a.operationId()),
                    "/v1/tickets/" + a.ticket().id());
        });
    }

    private void transfer(Context ctx) {
        UUID ticketId = id(ctx, "ticket");
        JsonNode body = Bodies.json(ctx);
        String to = Bodies.text(body, "to", true);
        BigDecimal price = decimal(body, "price", false);
        invalid(() -> TicketService.validateTransfer(to, price));
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            PendingTransfer p = refusals(() -> tickets.transfer(tx, ticketId, to, price));
            return Idempotent.json(202, accepted(transferView(p), p.operationId()), "/v1/tickets/" + ticketId);
        });
    }

    private void burn(Context ctx) {
        UUID ticketId = id(ctx, "ticket");
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, Map.of("ticket_id", ticketId.toString())), tx -> {
            TicketService.Accepted a = refusals(() -> tickets.burn(tx, ticketId));
            return Idempotent.json(
                    202, accepted(ticketView(a.ticket(), List.of()), a.operationId()), "/v1/tickets/" + ticketId);
        });
    }

    private void ticket(Context ctx) {
        UUID id = id(ctx, "ticket");
        Ticket t = tickets.ticket(id).orElseThrow(() -> ApiProblem.notFound("no ticket " + id));
        ctx.json(ticketView(
                t, tickets.transfers(id).stream().filter(PendingTransfer::open).toList()));
    }

    private void list(Context ctx) {
        String owner = ctx.queryParam("owner");
        if (owner != null && !Wallets.valid(owner)) {
            throw ApiProblem.badRequest("owner must be a base58 wallet address of 32 bytes", "owner");
        }
        String event = ctx.queryParam("event_id");
        UUID eventId = null;
        if (event != null) {
            try {
                eventId = UUID.fromString(event);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("event_id must be an event id (a UUID)", "event_id");
            }
        }
        int limit = Paging.limit(ctx);
        List<Ticket> page = tickets.tickets(owner, eventId, Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, Ticket::seq, t -> ticketView(t, null)));
    }

    private void history(Context ctx) {
        UUID id = id(ctx, "ticket");
        if (tickets.ticket(id).isEmpty()) {
            throw ApiProblem.notFound("no ticket " + id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "data",
                tickets.history(id).stream().map(TicketRoutes::changeView).toList());
        ctx.json(body);
    }

    // ---------------------------------------------------------------- views

    static Map<String, Object> eventView(TicketEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id().toString());
        m.put("name", e.name());
        m.put("venue", e.venue());
        m.put("starts_at", e.startsAt());
        m.put("capacity", e.capacity());
        m.put("tickets_issued", e.ticketsIssued());
        m.put("price", e.price().toPlainString());
        m.put("royalty_bps", e.royaltyBps());
        m.put("created_at", e.createdAt());
        return m;
    }

    /** A ticket; {@code transfers} (its open transfers) only where the view shows them, else null. */
    static Map<String, Object> ticketView(Ticket t, List<PendingTransfer> transfers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("event_id", t.eventId().toString());
        m.put("seat", t.seat());
        m.put("mint", t.mint());
        m.put("status", t.status().dbName());
        m.put("owner", t.owner());
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("owner", t.chainOwner());
        chain.put("slot", t.chainSlot());
        chain.put("last_synced_at", t.lastSyncedAt());
        m.put("chain", chain);
        m.put("pending_action", t.pendingAction());
        if (transfers != null) {
            m.put(
                    "pending_transfers",
                    transfers.stream().map(TicketRoutes::transferView).toList());
        }
        m.put("created_at", t.createdAt());
        m.put("updated_at", t.updatedAt());
        return m;
    }

    static Map<String, Object> transferView(PendingTransfer p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id().toString());
        m.put("ticket_id", p.ticketId().toString());
        m.put("status", p.status());
        m.put("from", p.fromOwner());
        m.put("to", p.newOwner());
        m.put("price", p.price() == null ? null : p.price().toPlainString());
        m.put("signature", p.txSignature());
        m.put("last_valid_block_height", p.lastValidHeight());
        m.put("expires_at", p.expiresAt());
        m.put("failures", p.failures());
        m.put("last_error", p.lastError());
        m.put("created_at", p.createdAt());
        return m;
    }

    static Map<String, Object> changeView(OwnershipChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("previous_owner", c.previousOwner());
        m.put("new_owner", c.newOwner());
        m.put("signature", c.signature());
        m.put("slot", c.slot());
        m.put("source", c.source().dbName());
        m.put("recorded_at", c.recordedAt());
        return m;
    }

    /** A 202 body: the resource as written and its pending chain operation. */
    private static Map<String, Object> accepted(Map<String, Object> view, long operationId) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("id", operationId);
        op.put("status", "pending");
        view.put("operation", op);
        return view;
    }

    // ---------------------------------------------------------------- input

    private static UUID id(Context ctx, String what) {
        String raw = ctx.pathParam("id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("no " + what + " " + raw);
        }
    }

    private static Instant instant(JsonNode body, String field) {
        String raw = Bodies.text(body, field, true);
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field + " must be an ISO-8601 instant such as 2027-01-01T20:00:00Z", field);
        }
    }

    private static int integer(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiProblem.badRequest(field + " is required", field);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiProblem.badRequest(field + " must be an integer", field);
        }
        return v.intValue();
    }

    private static BigDecimal decimal(JsonNode body, String field, boolean required) {
        if (!required && (body.get(field) == null || body.get(field).isNull())) {
            return null;
        }
        String raw = Bodies.decimal(body, field);
        if (!raw.matches("[0-9]{1,18}(\\.[0-9]{1,18})?")) {
            throw ApiProblem.badRequest(field + " must be a non-negative decimal string such as \"12.50\"", field);
        }
        return new BigDecimal(raw);
    }

    private static <T> T refusals(Refusable<T> call) throws java.sql.SQLException {
        try {
            return call.get();
        } catch (TicketRequestException e) {
            throw switch (e.kind()) {
                case INVALID -> ApiProblem.badRequest(e.getMessage(), e.field());
                case NOT_FOUND -> ApiProblem.notFound(e.getMessage());
                case CONFLICT -> ApiProblem.conflict(e.getMessage());
            };
        }
    }

    private static void invalid(Runnable call) {
        try {
            call.run();
        } catch (TicketRequestException e) {
            throw ApiProblem.badRequest(e.getMessage(), e.field());
        }
    }

    @FunctionalInterface
    private interface Refusable<T> {
        T get() throws java.sql.SQLException;
    }
}
