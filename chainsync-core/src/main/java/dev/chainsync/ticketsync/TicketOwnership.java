package dev.chainsync.ticketsync;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.chain.TokenTransfer;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.reconcile.Discrepancy;
import dev.chainsync.reconcile.DiscrepancyKind;
import dev.chainsync.reconcile.EngineConfig;
import dev.chainsync.reconcile.Observed;
import dev.chainsync.reconcile.ReconciledType;
import dev.chainsync.reconcile.Severity;
import dev.chainsync.reconcile.SourceOfTruth;
import dev.chainsync.ticket.OwnershipSource;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketStatus;
import dev.chainsync.ticket.TicketStore;
import dev.chainsync.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Ticket ownership as a reconciled data type (seed 001 sections 1.6 and 2.4): the chain wins. Every
 * run reads the owner of every active ticket's token from the chain and corrects the database where
 * it differs (a direct transfer by the owner's wallet, a missed confirmation): the owner, the chain's
 * owner, slot and sync time, one history row per chain transfer that explains the change (source
 * {@code direct_transfer} when the owner's wallet signed it, {@code reconciliation_correction}
 * otherwise), and the webhook {@code ticket.ownership_corrected}, in the engine's transaction with
 * its audit row. Tickets with a chain operation in flight are left to it: its confirmation settles them.
 */
public final class TicketOwnership
        implements ReconciledType<TicketOwnership.ChainSide, Map<String, TicketOwnership.Row>> {
    /** The webhook event type of a correction. */
    public static final String EVENT_CORRECTED = "ticket.ownership_corrected";
    /** Mints asked for in one call. */
    static final int CHUNK = 100;
    /** How far back the history of a corrected mint is read to explain the change. */
    static final int TRANSFERS_LOOKED_AT = 50;

    /** Tickets read per page of the full sync. */
    static final int PAGE = 1000;

    private final TicketStore store;
    private final ChainClient chain;
    private final String platformAddress;

    /** {@code platformAddress} signs the platform's transfers: a transfer signed by anyone else was direct. */
    public TicketOwnership(TicketStore store, ChainClient chain, String platformAddress) {
        this.store = store;
        this.chain = chain;
        this.platformAddress = platformAddress;
    }

    /** Every settled active ticket (no operation in flight: its confirmation will settle it), page by page. */
    private void settledTickets(Consumer<Ticket> each) {
        Long after = null;
        while (true) {
            List<Ticket> page = store.onChainTickets(after, PAGE);
            for (Ticket t : page) {
                if (t.status() == TicketStatus.ACTIVE && t.pendingAction() == null) {
                    each.accept(t);
                }
            }
            if (page.size() < PAGE) {
                return;
            }
            after = page.getLast().seq();
        }
    }

    /** A ticket as the database holds it. */
    public record Row(String ticketId, String mint, String owner, Instant lastSyncedAt) {}

    /**
     * The chain side: each settled active ticket's mint (by ticket id), the owners the chain reports
     * (by mint), and, for the mints whose owner differs, their recent transfers, newest first.
     */
    public record ChainSide(
            Map<String, String> mints,
            Map<String, TokenOwnership> owners,
            Map<String, List<TokenTransfer>> transfers) {}

    /** What a correction knows beyond the two owners: the chain's holding and the transfers since the database's owner. */
    record Evidence(String mint, TokenOwnership holding, List<TokenTransfer> since) {}

    @Override
    public String name() {
        return EngineConfig.TICKET_OWNERSHIP;
    }

    @Override
    public SourceOfTruth sourceOfTruth() {
        return SourceOfTruth.CHAIN_WINS;
    }

    @Override
    public Severity severity() {
        return Severity.CRITICAL;
    }

    /** Every active ticket without an operation in flight, whatever the window: a full sync. */
    @Override
    public ChainSide readChain(Instant from, Instant to) {
        Map<String, String> mints = new LinkedHashMap<>();
        settledTickets(t -> mints.put(t.id().toString(), t.mint()));
        Map<String, TokenOwnership> owners = new HashMap<>();
        List<String> all = new ArrayList<>(mints.values());
        for (int i = 0; i < all.size(); i += CHUNK) {
            owners.putAll(chain.tokenOwners(all.subList(i, Math.min(all.size(), i + CHUNK))));
        }
        return new ChainSide(mints, owners, Map.of());
    }

    /** The same tickets' database owners, re-read: one that started an operation since is left out. */
    @Override
    public Map<String, Row> readDatabase(Instant from, Instant to, ChainSide chainSide) {
        Map<String, Row> out = new HashMap<>();
        settledTickets(t -> {
            if (chainSide.mints().containsKey(t.id().toString())) {
                out.put(t.id().toString(), new Row(t.id().toString(), t.mint(), t.owner(), t.lastSyncedAt()));
            }
        });
        return out;
    }

    /** For each ticket whose owner differs, the mint's recent transfers: who moved it, and how. */
    @Override
    public ChainSide recheckChain(ChainSide chainSide, Map<String, Row> database) {
        Map<String, List<TokenTransfer>> transfers = new HashMap<>();
        for (Row row : database.values()) {
            TokenOwnership holding = chainSide.owners().get(row.mint());
            if (holding != null && !holding.burned() && !holding.owner().equals(row.owner())) {
                transfers.put(row.mint(), chain.tokenTransfers(row.mint(), null, TRANSFERS_LOOKED_AT));
            }
        }
        return new ChainSide(chainSide.mints(), chainSide.owners(), transfers);
    }

    /**
     * Pure: per ticket, an owner mismatch (healed), or a token the chain does not know or shows
     * burned while the database has it active (reported: a person looks).
     */
    @Override
    public List<Discrepancy> compare(ChainSide chainSide, Map<String, Row> database, Instant now) {
        List<Discrepancy> out = new ArrayList<>();
        database.values().stream()
                .sorted(java.util.Comparator.comparing(Row::ticketId))
                .forEach(row -> {
                    TokenOwnership holding = chainSide.owners().get(row.mint());
                    Observed db = new Observed(row.owner(), "active", row.lastSyncedAt());
                    if (holding == null) {
                        out.add(new Discrepancy(row.ticketId(), DiscrepancyKind.MISSING_ON_CHAIN, null, db));
                    } else if (holding.burned()) {
                        out.add(new Discrepancy(
                                row.ticketId(),
                                DiscrepancyKind.VALUE_MISMATCH,
                                new Observed(holding.owner(), "burned at slot " + holding.slot(), null),
                                db));
                    } else if (!holding.owner().equals(row.owner())) {
                        out.add(new Discrepancy(
                                row.ticketId(),
                                DiscrepancyKind.OWNER_MISMATCH,
                                new Observed(holding.owner(), "slot " + holding.slot(), null),
                                db,
                                new Evidence(
                                        row.mint(),
                                        holding,
                                        since(
                                                chainSide.transfers().getOrDefault(row.mint(), List.of()),
                                                row.owner()))));
                    }
                });
        return out;
    }

    /**
     * The transfers that took the token from {@code dbOwner} to its holder, oldest first: the newest
     * transfers back to the first one out of {@code dbOwner}. Empty when the history read does not
     * reach back that far (the correction is then recorded without a signature).
     */
    static List<TokenTransfer> since(List<TokenTransfer> newestFirst, String dbOwner) {
        List<TokenTransfer> out = new ArrayList<>();
        for (TokenTransfer t : newestFirst) {
            if (t.kind() != TokenTransfer.Kind.TRANSFER) {
                break;
            }
            out.addFirst(t);
            if (dbOwner != null && dbOwner.equals(t.from())) {
                return out;
            }
        }
        return List.of();
    }

    /** Only an owner mismatch is healed; a missing or burned token needs a person. */
    @Override
    public boolean canHeal(Discrepancy d) {
        return d.kind() == DiscrepancyKind.OWNER_MISMATCH && d.context() instanceof Evidence;
    }

    /**
     * Sets the chain's owner where the database still holds the owner the run read and no operation
     * started since (checked under the ticket's row lock), one history row per transfer that explains
     * the change, and the webhook event; {@link #UNCHANGED} otherwise.
     */
    @Override
    public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        Evidence e = (Evidence) d.context();
        UUID id = UUID.fromString(d.key());
        String before = d.database().owner();
        Optional<Ticket> locked = TicketStore.lockTicket(tx, id);
        if (locked.isEmpty()
                || locked.get().status() != TicketStatus.ACTIVE
                || locked.get().pendingAction() != null
                || !java.util.Objects.equals(locked.get().owner(), before)) {
            return UNCHANGED;
        }
        OwnershipSource source = OwnershipSource.RECONCILIATION_CORRECTION;
        String signature = null;
        for (TokenTransfer t : e.since()) {
            source = platformAddress.equals(t.signer())
                    ? OwnershipSource.RECONCILIATION_CORRECTION
                    : OwnershipSource.DIRECT_TRANSFER;
            TicketStore.applyOwner(tx, id, t.to(), t.signature(), t.slot(), source, now);
            signature = t.signature();
        }
        if (e.since().isEmpty()
                || !e.holding().owner().equals(e.since().getLast().to())) {
            // The history read does not explain the change: one correction to what the chain holds.
            source = OwnershipSource.RECONCILIATION_CORRECTION;
            signature = null;
            TicketStore.applyOwner(
                    tx, id, e.holding().owner(), null, e.holding().slot(), source, now);
        }
        WebhookOutbox.emit(
                tx,
                EVENT_CORRECTED,
                Json.object(
                        "ticket_id",
                        d.key(),
                        "mint",
                        e.mint(),
                        "previous_owner",
                        before,
                        "new_owner",
                        e.holding().owner(),
                        "slot",
                        e.holding().slot(),
                        "signature",
                        signature,
                        "source",
                        source.dbName(),
                        "reconciliation_run_id",
                        runId == 0 ? null : runId),
                now);
        return Json.object("owner", e.holding().owner(), "slot", e.holding().slot());
    }

    /** The chain is the source of truth: nothing is ever written to it from here. */
    @Override
    public Optional<NewOperation> rewriteChain(Discrepancy d) {
        return Optional.empty();
    }
}
