package dev.chainsync.ticketsync;

import dev.chainsync.chain.ChainClient;
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
import dev.chainsync.ticket.SyncQueries;
import dev.chainsync.ticket.TicketMemos;
import java.math.BigDecimal;
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

/**
 * Royalties as a reconciled data type (seed 001 sections 1.1 and 1.6): derived from on-chain
 * transfers, and money, so a disagreement goes to manual review and is never healed automatically.
 * Each run takes the priced transfers confirmed in its window and compares, per transfer, the royalty
 * entry the database recorded with the transfer the chain lists for the ticket's mint: a transfer on
 * chain without its entry ({@code missing_in_db}), an entry whose transfer the chain does not show
 * ({@code missing_on_chain}), or an entry naming another transaction or price, or a sale price other
 * than the one the platform wrote on chain in the transfer's memo ({@code value_mismatch}). A person's {@code accept_chain} writes the missing entry or voids the unbacked
 * one; the chain cannot be re-written for a past transfer, so {@code accept_database} is refused.
 */
public final class Royalties implements ReconciledType<Royalties.ChainSide, Map<String, SyncQueries.Sale>> {
    /** How many of a mint's newest changes are read: far more than a ticket is resold in a window. */
    static final int TRANSFERS_LOOKED_AT = 100;
    /** How the chain's view names the sale price the platform's memo carried. */
    static final String PRICE = " price=";
    /** Why an entry is voided when a person accepts the chain's view. */
    static final String VOID_REASON = "the chain does not show this transfer (review accepted the chain)";

    private final SyncQueries queries;
    private final ChainClient chain;

    public Royalties(SyncQueries queries, ChainClient chain) {
        this.queries = queries;
        this.chain = chain;
    }

    /** The chain side: the sales in the window (by transfer id) and each sold mint's transfers, newest first. */
    public record ChainSide(Map<String, SyncQueries.Sale> sales, Map<String, List<TokenTransfer>> transfers) {}

    @Override
    public String name() {
        return EngineConfig.ROYALTIES;
    }

    @Override
    public SourceOfTruth sourceOfTruth() {
        return SourceOfTruth.MANUAL_REVIEW;
    }

    @Override
    public Severity severity() {
        return Severity.MEDIUM;
    }

    /** The mints sold in the window (read from the database) and what the chain lists for each. */
    @Override
    public ChainSide readChain(Instant from, Instant to) {
        Map<String, SyncQueries.Sale> sales = new LinkedHashMap<>();
        queries.confirmedSales(from, to).forEach(s -> sales.put(s.transferId().toString(), s));
        Map<String, List<TokenTransfer>> transfers = new HashMap<>();
        for (SyncQueries.Sale s : sales.values()) {
            transfers.computeIfAbsent(s.mint(), m -> chain.tokenTransfers(m, null, TRANSFERS_LOOKED_AT));
        }
        return new ChainSide(sales, transfers);
    }

    /** The same sales re-read after the chain: an entry written meanwhile counts. */
    @Override
    public Map<String, SyncQueries.Sale> readDatabase(Instant from, Instant to, ChainSide chainSide) {
        Map<String, SyncQueries.Sale> out = new LinkedHashMap<>();
        queries.confirmedSales(from, to).stream()
                .filter(s -> chainSide.sales().containsKey(s.transferId().toString()))
                .forEach(s -> out.put(s.transferId().toString(), s));
        return out;
    }

    /**
     * Pure: per priced transfer, whether the chain lists it (the platform's transaction, by
     * signature, with the same owners), whether its entry exists and whether the entry agrees with
     * the transfer and with the sale price the platform wrote on chain ({@link TicketMemos#price}).
     */
    @Override
    public List<Discrepancy> compare(ChainSide chainSide, Map<String, SyncQueries.Sale> sales, Instant now) {
        List<Discrepancy> out = new ArrayList<>();
        for (SyncQueries.Sale s : sales.values()) {
            Optional<TokenTransfer> onChain = chainSide.transfers().getOrDefault(s.mint(), List.of()).stream()
                    .filter(t -> t.kind() == TokenTransfer.Kind.TRANSFER
                            && t.signature().equals(s.signature())
                            && s.fromOwner().equals(t.from())
                            && s.newOwner().equals(t.to()))
                    .findFirst();
            Optional<BigDecimal> chainPrice = onChain.flatMap(t -> TicketMemos.price(t.memos()));
            boolean hasEntry = s.entryAmount() != null;
            // No timestamps in either view: a dismissed review then matches the same disagreement next run.
            Observed chainView = onChain.map(t -> new Observed(
                            t.to(),
                            t.signature()
                                    + chainPrice
                                            .map(p -> PRICE + p.toPlainString())
                                            .orElse(""),
                            null))
                    .orElse(null);
            Observed dbView = new Observed(s.newOwner(), hasEntry ? entry(s) : null, null);
            String key = s.transferId().toString();
            boolean priceDiffers = chainPrice.isPresent()
                    && (chainPrice.get().compareTo(s.price()) != 0
                            || (hasEntry && chainPrice.get().compareTo(s.entryPrice()) != 0));
            if (onChain.isPresent()
                    && (priceDiffers
                            || (hasEntry
                                    && (!s.signature().equals(s.entrySignature())
                                            || s.price().compareTo(s.entryPrice()) != 0)))) {
                out.add(new Discrepancy(key, DiscrepancyKind.VALUE_MISMATCH, chainView, dbView));
            } else if (onChain.isPresent() && !hasEntry) {
                out.add(new Discrepancy(key, DiscrepancyKind.MISSING_IN_DB, chainView, dbView));
            } else if (onChain.isEmpty() && hasEntry) {
                out.add(new Discrepancy(key, DiscrepancyKind.MISSING_ON_CHAIN, null, dbView));
            }
        }
        return out;
    }

    private static String entry(SyncQueries.Sale s) {
        return "royalty " + s.entryAmount().toPlainString() + " on a sale of "
                + s.entryPrice().toPlainString() + " in " + s.entrySignature();
    }

    /**
     * What a person's {@code accept_chain} can do: write a missing entry, or void an entry the chain
     * does not back. A mismatched entry needs a correction beyond choosing a side.
     */
    @Override
    public boolean canHeal(Discrepancy d) {
        return (d.kind() == DiscrepancyKind.MISSING_IN_DB && d.chain() != null)
                || (d.kind() == DiscrepancyKind.MISSING_ON_CHAIN
                        && d.database() != null
                        && d.database().value() != null);
    }

    /** Called only through a review's {@code accept_chain}: the policy never heals on its own. */
    @Override
    public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        UUID transfer = UUID.fromString(d.key());
        if (d.kind() == DiscrepancyKind.MISSING_IN_DB) {
            // The chain's view is "<signature>[ price=<sale price>]".
            String signature = d.chain().value().split(" ", 2)[0];
            Optional<BigDecimal> amount = SyncQueries.writeMissingRoyalty(tx, transfer, signature, now);
            return amount.map(a -> Json.object("royalty_amount", a.toPlainString()))
                    .orElse(UNCHANGED);
        }
        return SyncQueries.voidRoyalty(tx, transfer, VOID_REASON, now)
                ? Json.object("voided_at", now.toString(), "reason", VOID_REASON)
                : UNCHANGED;
    }

    /** A past transfer cannot be re-written on chain. */
    @Override
    public Optional<NewOperation> rewriteChain(Discrepancy d) {
        return Optional.empty();
    }
}
