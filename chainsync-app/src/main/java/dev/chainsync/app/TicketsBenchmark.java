package dev.chainsync.app;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.TicketMints;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.db.Database;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.Relay;
import dev.chainsync.outbox.RelayConfig;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketEvent;
import dev.chainsync.ticket.TicketService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The tickets benchmark: mints, then transfers, through the outbox and the relays to confirmed on
 * the Solana runtime server (real Token-2022 transactions), and in the same run the server's raw
 * rate for the same kind of transactions sent directly (pre-signed, no database, no outbox).
 */
final class TicketsBenchmark {
    /** Transactions signed per blockhash in the raw loop, well inside its validity. */
    private static final int RAW_CHUNK = 64;
    /** Threads the raw loop sends on. */
    private static final int RAW_THREADS = 8;

    private final int count;
    private final int relays;
    private final int batch;
    private final int slotMs;
    private final int wallets;

    TicketsBenchmark(int count, int relays, int batch, int slotMs, int wallets) {
        if (count < 1 || relays < 1 || batch < 1 || slotMs < 1 || wallets < 2) {
            throw new IllegalArgumentException(
                    "count, relays, batch and slot-ms must be positive, and wallets at least 2");
        }
        this.count = count;
        this.relays = relays;
        this.batch = batch;
        this.slotMs = slotMs;
        this.wallets = wallets;
    }

    record Result(
            int count,
            int relays,
            int slotMs,
            double mintsPerSecond,
            double transfersPerSecond,
            double rawMintsPerSecond,
            double rawTransfersPerSecond,
            long agreeing,
            long landed,
            String mintCpu,
            String transferCpu,
            String database) {
        boolean chainAndDatabaseAgree() {
            return agreeing == count;
        }

        String report() {
            return String.format(
                    """
                    bench tickets: %d tickets, %d relays, the Solana runtime server (LiteSVM over JSON-RPC, slot %d ms)
                      machine: %d cores, %s; date %s
                      database: %s
                      mints (outbox -> relay -> Token-2022 mint -> confirmed, %d queued)     : %.1f mints/s
                        CPU: %s
                      transfers (outbox -> relay -> permanent-delegate transfer -> confirmed): %.1f transfers/s
                        CPU: %s
                      landed on chain for the %d operations: %d transactions
                      the chain's raw rate (the same transactions pre-signed and sent directly, %d threads):
                        mints %.1f/s -> chainsync is %.2f of it; transfers %.1f/s -> chainsync is %.2f of it
                      owners per chain (tokenOwners) equal owners per database for %d of %d tickets -> %s""",
                    count,
                    relays,
                    slotMs,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + Runtime.version(),
                    LocalDate.now(),
                    database,
                    count,
                    mintsPerSecond,
                    mintCpu,
                    transfersPerSecond,
                    transferCpu,
                    2 * count,
                    landed,
                    RAW_THREADS,
                    rawMintsPerSecond,
                    mintsPerSecond / rawMintsPerSecond,
                    rawTransfersPerSecond,
                    transfersPerSecond / rawTransfersPerSecond,
                    agreeing,
                    count,
                    chainAndDatabaseAgree() ? "chain and database agree" : "MISMATCH");
        }
    }

    Result run() throws Exception {
        return ScratchDatabase.with("chainsync_bench_tickets", 4 * (relays + 2), this::measure);
    }

    private Result measure(Database db) throws Exception {
        java.nio.file.Path dir = RuntimeServer.findDirectory();
        String unavailable = RuntimeServer.unavailableReason(dir);
        if (unavailable != null) {
            throw new IllegalStateException("bench tickets needs the Solana runtime server: " + unavailable);
        }
        Clock clock = Clock.systemUTC();
        RandomGenerator random = new SecureRandom();
        Ed25519Keypair platform = Ed25519Keypair.generate(new SecureRandom());
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < wallets; i++) {
            owners.add(Ed25519Keypair.generate(new SecureRandom()).address());
        }
        try (RuntimeServer server = RuntimeServer.start(dir, 1, slotMs)) {
            server.airdrop(platform.address(), 100_000L * 1_000_000_000L);
            CircuitBreakingChainClient chain =
                    new CircuitBreakingChainClient(server.client(platform, clock), 50, Duration.ofSeconds(5), clock);
            try {
                TicketService tickets = new TicketService(db.jdbc(), platform, chain, 8, clock, random);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                Jdbc jdbc = db.jdbc();
                TicketEvent event = tickets.createEvent(new TicketService.NewEvent(
                        "Bench", "Hall", Instant.parse("2027-01-01T20:00:00Z"), count, new BigDecimal("50.00"), 500));

                // Mints: queue them all, then time the relays from start to the last confirmation.
                List<Ticket> minted = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String owner = owners.get(i % wallets);
                    String seat = "S" + i;
                    minted.add(jdbc.inTransaction(tx -> tickets.mint(tx, event.id(), owner, seat))
                            .ticket());
                }
                CpuUse cpu0 = CpuUse.now();
                double mintSeconds = drain(db, chain, platform, tickets, clock, random, registry, count);
                String mintCpu = cpu0.describeUntil(CpuUse.now(), mintSeconds);

                // Transfers: each ticket to the next wallet, queued, then drained the same way.
                for (int i = 0; i < count; i++) {
                    UUID id = minted.get(i).id();
                    String to = owners.get((i + 1) % wallets);
                    jdbc.inTransaction(tx -> tickets.transfer(tx, id, to, null));
                }
                CpuUse cpu1 = CpuUse.now();
                double transferSeconds = drain(db, chain, platform, tickets, clock, random, registry, 2L * count);
                String transferCpu = cpu1.describeUntil(CpuUse.now(), transferSeconds);
                long landed = server.landed();
                long agreeing = agreeing(tickets, chain, minted);

                // In the same run and on the same server: the same transactions without chainsync.
                List<String> mints = new ArrayList<>();
                double rawMints = raw(chain, platform, mintInstructions(platform, owners, mints));
                double rawTransfers = raw(chain, platform, transferInstructions(owners, mints));
                return new Result(
                        count,
                        relays,
                        slotMs,
                        count / mintSeconds,
                        count / transferSeconds,
                        rawMints,
                        rawTransfers,
                        agreeing,
                        landed,
                        mintCpu,
                        transferCpu,
                        db.describe().replaceAll("\\(data in .*\\)", "(embedded)"));
            } finally {
                chain.close();
            }
        }
    }

    /** Starts the relays, waits until {@code expected} operations in all are confirmed, stops them; seconds taken. */
    private double drain(
            Database db,
            ChainClient chain,
            Ed25519Keypair platform,
            TicketService tickets,
            Clock clock,
            RandomGenerator random,
            SimpleMeterRegistry registry,
            long expected)
            throws InterruptedException {
        List<Relay> started = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < relays; i++) {
                RelayConfig rc = RelayConfig.builder()
                        .instanceId("bench-ticket-relay-" + i)
                        .batchSize(batch)
                        .pollInterval(Duration.ofMillis(5))
                        .confirmPollInterval(Duration.ofMillis(Math.max(1, slotMs / 2)))
                        .retryBase(Duration.ofMillis(100))
                        .retryCap(Duration.ofSeconds(5))
                        .commitment(Commitment.CONFIRMED)
                        .build();
                started.add(
                        new Relay(db.jdbc(), chain, platform, tickets.handlers(), rc, clock, random, registry).start());
            }
            OutboxBenchmark.awaitConfirmed(db.jdbc(), registry, expected);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            started.forEach(Relay::close);
        }
    }

    /** How many tickets the chain shows held by the owner the database recorded. */
    private static long agreeing(TicketService tickets, ChainClient chain, List<Ticket> minted) {
        Map<UUID, String> mintOf = new HashMap<>();
        minted.forEach(t -> mintOf.put(t.id(), t.mint()));
        Map<String, TokenOwnership> onChain = chain.tokenOwners(mintOf.values());
        long agree = 0;
        for (Ticket t : minted) {
            Ticket now = tickets.ticket(t.id()).orElseThrow();
            TokenOwnership o = onChain.get(now.mint());
            if (o != null && !o.burned() && o.owner().equals(now.owner())) {
                agree++;
            }
        }
        return agree;
    }

    /** Instruction lists of {@code count} mints shaped as the ticket service's (memo, mint with metadata). */
    private List<List<ChainInstruction>> mintInstructions(
            Ed25519Keypair platform, List<String> owners, List<String> mintsOut) {
        HexFormat hex = HexFormat.of();
        byte[] digest = new byte[32];
        UUID eventId = UUID.randomUUID();
        List<List<ChainInstruction>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ticketId = UUID.randomUUID().toString();
            String mint = TicketMints.address(platform, ticketId);
            mintsOut.add(mint);
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(digest);
            out.add(List.of(
                    new ChainInstruction.Memo("chainsync:ticket.mint:" + ticketId),
                    new ChainInstruction.MintTicket(
                            ticketId,
                            mint,
                            owners.get(i % wallets),
                            "event=" + eventId + ";seat=R" + i + ";record=" + hex.formatHex(digest))));
        }
        return out;
    }

    /** Instruction lists moving each of {@code mints} from its first owner to the next wallet. */
    private List<List<ChainInstruction>> transferInstructions(List<String> owners, List<String> mints) {
        List<List<ChainInstruction>> out = new ArrayList<>();
        for (int i = 0; i < mints.size(); i++) {
            out.add(List.of(
                    new ChainInstruction.Memo("chainsync:ticket.transfer:" + UUID.randomUUID()),
                    new ChainInstruction.TransferTicket(
                            mints.get(i), owners.get(i % wallets), owners.get((i + 1) % wallets))));
        }
        return out;
    }

    /**
     * Transactions per second confirmed when each instruction list is signed ahead (a blockhash per
     * {@value #RAW_CHUNK}), sent on {@value #RAW_THREADS} threads and awaited until confirmed.
     */
    private static double raw(ChainClient chain, Ed25519Keypair platform, List<List<ChainInstruction>> transactions)
            throws Exception {
        return transactions.size()
                / SolanaRawRate.secondsToConfirm(
                        chain,
                        transactions,
                        RAW_CHUNK,
                        RAW_THREADS,
                        (ix, blockhash) -> chain.buildTransaction(platform, ix, blockhash));
    }
}
