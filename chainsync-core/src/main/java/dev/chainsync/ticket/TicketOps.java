package dev.chainsync.ticket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.ChainInstruction.BurnTicket;
import dev.chainsync.chain.ChainInstruction.Memo;
import dev.chainsync.chain.ChainInstruction.MintTicket;
import dev.chainsync.chain.ChainInstruction.TransferTicket;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.Operation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The three ticket operation kinds: their memos (what the relay searches for, one per operation),
 * their stored payloads and the chain instructions built from those payloads alone.
 */
final class TicketOps {
    static final String MINT = "ticket.mint";
    static final String TRANSFER = "ticket.transfer";
    static final String BURN = "ticket.burn";
    static final String MEMO_PREFIX = "chainsync:";

    private TicketOps() {}

    /** Mint: the ticket, its derived mint, first owner and the metadata tying the token to the record. */
    record MintPayload(UUID ticketId, String mint, String owner, String metadata) {}

    /** Transfer: the pending transfer row, the ticket's mint, who holds it and who gets it. */
    record TransferPayload(UUID ticketId, UUID transferId, String mint, String from, String to, BigDecimal price) {}

    /** Burn: the ticket's mint and its holder. */
    record BurnPayload(UUID ticketId, String mint, String owner) {}

    static String mintMemo(UUID ticketId) {
        return MEMO_PREFIX + MINT + ":" + ticketId;
    }

    /** Names the transfer and, when it is a sale, its price, so the chain shows what royalties derive from. */
    static String transferMemo(UUID transferId, BigDecimal price) {
        return MEMO_PREFIX + TRANSFER + ":" + transferId + (price == null ? "" : " price=" + price.toPlainString());
    }

    static String burnMemo(UUID ticketId) {
        return MEMO_PREFIX + BURN + ":" + ticketId;
    }

    /** {@code event=<id>;seat=<seat>;record=<sha256 of ticket id, event id and seat>}: the on-chain tie to the row. */
    static String metadata(UUID ticketId, UUID eventId, String seat) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((ticketId + "|" + eventId + "|" + seat).getBytes(StandardCharsets.UTF_8));
            return "event=" + eventId + ";seat=" + seat + ";record="
                    + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    static String json(MintPayload p) {
        return Json.object(
                "ticket_id", p.ticketId().toString(), "mint", p.mint(), "owner", p.owner(), "metadata", p.metadata());
    }

    static String json(TransferPayload p) {
        return Json.object(
                "ticket_id",
                p.ticketId().toString(),
                "transfer_id",
                p.transferId().toString(),
                "mint",
                p.mint(),
                "from",
                p.from(),
                "to",
                p.to(),
                "price",
                p.price() == null ? null : p.price().toPlainString());
    }

    static String json(BurnPayload p) {
        return Json.object("ticket_id", p.ticketId().toString(), "mint", p.mint(), "owner", p.owner());
    }

    static MintPayload mint(Operation op) {
        JsonNode n = payload(op);
        return new MintPayload(uuid(n, "ticket_id"), text(n, "mint"), text(n, "owner"), text(n, "metadata"));
    }

    static TransferPayload transfer(Operation op) {
        JsonNode n = payload(op);
        JsonNode price = n.get("price");
        return new TransferPayload(
                uuid(n, "ticket_id"),
                uuid(n, "transfer_id"),
                text(n, "mint"),
                text(n, "from"),
                text(n, "to"),
                price == null || price.isNull() ? null : new BigDecimal(price.asText()));
    }

    static BurnPayload burn(Operation op) {
        JsonNode n = payload(op);
        return new BurnPayload(uuid(n, "ticket_id"), text(n, "mint"), text(n, "owner"));
    }

    /** The instructions of a ticket operation: its memo first, then the token instruction. */
    static List<ChainInstruction> instructions(Operation op) {
        ChainInstruction token = switch (op.kind()) {
            case MINT -> {
                MintPayload p = mint(op);
                yield new MintTicket(p.ticketId().toString(), p.mint(), p.owner(), p.metadata());
            }
            case TRANSFER -> {
                TransferPayload p = transfer(op);
                yield new TransferTicket(p.mint(), p.from(), p.to());
            }
            case BURN -> {
                BurnPayload p = burn(op);
                yield new BurnTicket(p.mint(), p.owner());
            }
            default -> throw new IllegalArgumentException("not a ticket operation: " + op.kind());
        };
        return List.of(new Memo(op.memo()), token);
    }

    private static JsonNode payload(Operation op) {
        if (op.payload() == null) {
            throw new IllegalArgumentException("ticket operation " + op.id() + " has no payload");
        }
        return Json.read(op.payload());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("ticket payload lacks " + field);
        }
        return v.asText();
    }

    private static UUID uuid(JsonNode n, String field) {
        return UUID.fromString(text(n, field));
    }
}
