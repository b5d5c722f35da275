package dev.chainsync.api;

import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.db.Database;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ledger.Ledger;
import dev.chainsync.ledger.TransferBatcher;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.ratelimit.RateLimiter;
import dev.chainsync.reconcile.CredentialReconciler;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReviewQueue;
import dev.chainsync.ticket.TicketService;
import dev.chainsync.ticketsync.OwnershipListener;
import dev.chainsync.webhook.SecretBox;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.webhook.WebhookEndpoints;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * The services the HTTP API serves, built by the application's wiring; {@link HttpApi} hands each
 * route class only the ones it uses.
 *
 * @param chain the chain behind its circuit breaker ({@code /health} reports both)
 * @param devnetFaults the devnet's fault switches ({@code /v1/devnet/faults}), or null when the chain is not the devnet
 * @param relay the relay, whose loops {@code /health} reports
 * @param secretBox encrypts stored responses that carry a secret (a new API key, a webhook secret)
 * @param reconcileEngine every reconciled data type's runs ({@code /status} lists them with their counts)
 * @param tickets events and NFT tickets
 * @param ownershipListener the ticket ownership listener, whose state {@code /health} reports
 */
public record ApiServices(
        Clock clock,
        PrometheusMeterRegistry registry,
        Database database,
        CircuitBreakingChainClient chain,
        DevnetFaults devnetFaults,
        ApiKeys apiKeys,
        RateLimiter rateLimiter,
        Idempotency idempotency,
        SecretBox secretBox,
        CredentialService credentials,
        Outbox outbox,
        Relay relay,
        CredentialReconciler reconciler,
        ReconcileEngine reconcileEngine,
        ReviewQueue reviews,
        Ingest ingest,
        Ledger ledger,
        TransferBatcher transfers,
        WebhookEndpoints webhookEndpoints,
        WebhookDispatcher webhookDispatcher,
        TicketService tickets,
        OwnershipListener ownershipListener) {}
