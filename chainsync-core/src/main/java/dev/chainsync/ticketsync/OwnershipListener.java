package dev.chainsync.ticketsync;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.db.Jdbc;
import dev.chainsync.reconcile.EngineConfig;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.ticket.SyncQueries;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketStatus;
import dev.chainsync.ticket.TicketStore;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The near-real-time half of ownership sync (seed 001 section 2.4; the periodic full sync is the
 * {@link TicketOwnership} data type): each pass reads the chain's owner for the tickets synced
 * longest ago, stores it as the ticket's chain owner, slot and sync time, and when a ticket's owner
 * differs, has the engine run the ownership type now (which corrects it with its audit row, history
 * and webhook). A failing pass backs off exponentially; after {@code maxFailures} in a row the
 * listener reports itself down (gauge, health, an error log) and keeps trying (seed 001 section 4.3).
 * It also keeps the gauge of pending transfers older than an hour (seed 001 section 2.5).
 */
public final class OwnershipListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OwnershipListener.class);
    /** Seed 001 section 2.5: pending transfers older than this are counted (and alerted on). */
    public static final Duration PENDING_TOO_LONG = Duration.ofHours(1);

    private final Jdbc jdbc;
    private final TicketStore store;
    private final SyncQueries queries;
    private final ChainClient chain;
    private final ReconcileEngine engine;
    private final TicketSyncConfig config;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final AtomicLong oldPending = new AtomicLong();
    private volatile Instant nextAttempt = Instant.MIN;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile PollingWorker worker;
    private boolean closed;

    public OwnershipListener(
            Jdbc jdbc,
            TicketStore store,
            ChainClient chain,
            ReconcileEngine engine,
            TicketSyncConfig config,
            Clock clock,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.store = store;
        this.queries = new SyncQueries(jdbc);
        this.chain = chain;
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        Gauge.builder("chainsync_tickets_pending_transfers_old", oldPending, AtomicLong::get)
                .description("Ticket transfers pending (not confirmed or failed) for more than one hour")
                .register(registry);
        Gauge.builder("chainsync_tickets_ownership_listener_failures", failures, AtomicLong::get)
                .description("Passes of the ticket ownership listener that failed in a row")
                .register(registry);
        Gauge.builder("chainsync_tickets_ownership_listener_down", down, AtomicLong::get)
                .description("1 once the ownership listener failed its maximum passes in a row, until one succeeds")
                .register(registry);
    }

    public synchronized OwnershipListener start() {
        worker = new PollingWorker("ticket-ownership-listener", config.listenerInterval(), this::pass).start();
        return this;
    }

    /** What one pass did: tickets looked at, how many differed, whether it was skipped for backoff. */
    public record Pass(int looked, int differing, boolean skipped) {}

    /** One pass, as the worker runs it; returns 0 so the worker waits its interval. */
    int pass() {
        passOnce();
        return 0;
    }

    /**
     * Counts old pending transfers, then (unless backing off) reads the chain's owners of a batch of
     * tickets, records them and triggers a full ownership run when one differs. A chain error is
     * counted, backed off and rethrown (the worker logs it); the next pass tries again.
     */
    public Pass passOnce() {
        Instant now = clock.instant();
        oldPending.set(countOldPending(now));
        if (now.isBefore(nextAttempt)) {
            return new Pass(0, 0, true);
        }
        try {
            Pass pass = listen(now);
            if (failures.getAndSet(0) > 0) {
                log.info("ticket ownership listener reads the chain again");
            }
            down.set(0);
            nextAttempt = Instant.MIN;
            lastSuccess = now;
            lastError = null;
            return pass;
        } catch (RuntimeException e) {
            long n = failures.incrementAndGet();
            nextAttempt = now.plus(config.backoff(n));
            lastError = e.toString();
            if (n >= config.listenerMaxFailures()) {
                if (down.getAndSet(1) == 0) {
                    log.error(
                            "ticket ownership listener failed {} passes in a row; retrying up to every {} until the"
                                    + " chain answers (the periodic full sync still runs): {}",
                            n,
                            config.listenerBackoffMax(),
                            e.toString());
                }
            }
            throw e;
        }
    }

    /** Where the rotation through the tickets stands: the last ticket's {@code seq} read. */
    private Long cursor;

    private Pass listen(Instant now) {
        List<Ticket> page = store.onChainTickets(cursor, config.listenerBatch());
        // Round the tickets in creation order, a batch a pass; after the last, start again.
        cursor = page.size() < config.listenerBatch() ? null : page.getLast().seq();
        List<Ticket> batch = page.stream()
                .filter(t -> t.status() == TicketStatus.ACTIVE && t.pendingAction() == null)
                .toList();
        if (batch.isEmpty()) {
            return new Pass(0, 0, false);
        }
        Map<String, TokenOwnership> owners =
                chain.tokenOwners(batch.stream().map(Ticket::mint).toList());
        int differing = 0;
        for (Ticket t : batch) {
            TokenOwnership o = owners.get(t.mint());
            if (o != null && (o.burned() || !o.owner().equals(t.owner()))) {
                differing++;
            }
        }
        jdbc.inTransaction(c -> {
            for (Ticket t : batch) {
                TokenOwnership o = owners.get(t.mint());
                if (o != null) {
                    TicketStore.recordChainView(c, t.id(), o.owner(), o.slot(), now);
                }
            }
            return null;
        });
        if (differing > 0) {
            log.warn(
                    "ticket ownership listener: {} of {} tickets differ from the chain; running the sync now",
                    differing,
                    batch.size());
            engine.runOnce(EngineConfig.TICKET_OWNERSHIP);
        }
        return new Pass(batch.size(), differing, false);
    }

    private long countOldPending(Instant now) {
        return queries.openTransfersOlderThan(now.minus(PENDING_TOO_LONG));
    }

    /**
     * What the listener knows of itself for {@code /health}: down after its maximum failures in a
     * row, the failures in a row now, when a pass last read the chain (null before the first), when
     * it tries next while backing off (null otherwise) and the last failure while failing.
     */
    public record State(
            boolean started,
            boolean down,
            long consecutiveFailures,
            Instant lastSuccess,
            Instant nextAttempt,
            String lastError) {}

    /** The listener's state now. */
    public State state() {
        Instant next = nextAttempt;
        long n = failures.get();
        return new State(
                worker != null,
                down.get() == 1,
                n,
                lastSuccess,
                n == 0 || next.equals(Instant.MIN) ? null : next,
                n == 0 ? null : lastError);
    }

    /** Health: broken once the listener is down. */
    public PollingWorker.Health health() {
        PollingWorker.Health h = worker == null ? new PollingWorker.Health(false, false, false, null) : worker.health();
        return down.get() == 1 ? new PollingWorker.Health(h.started(), h.running(), true, h.lastError()) : h;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (worker != null) {
            worker.close();
        }
    }
}
