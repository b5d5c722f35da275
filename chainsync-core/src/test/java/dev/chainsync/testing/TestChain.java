package dev.chainsync.testing;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Devnet;
import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.chain.Signer;
import dev.chainsync.chain.evm.EvmChainClient;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.chain.solana.SolanaChainClient;
import dev.chainsync.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The chain a write-path test runs against, seen from the test: the client the relay uses, how to
 * produce blocks, what landed, and the faults both chains share. Write-path tests are parametrised
 * over {@link Kind} so the same test proves a guarantee on the devnet and on the real Solana runtime.
 */
public interface TestChain extends AutoCloseable {

    /** Which chain. */
    enum Kind {
        /** The in-process devnet: blocks follow the manual clock. */
        DEVNET,
        /** LiteSVM behind testing/solana-rpc, reached through the Solana adapter; blocks on demand. */
        SOLANA_RUNTIME,
        /** anvil (testing/evm) with the anchor contract, reached through the EVM adapter; a block per transaction. */
        EVM_ANVIL
    }

    /** What the Solana runtime's fee payer gets: 1,000 SOL. */
    long FUNDING_LAMPORTS = 1_000L * 1_000_000_000L;

    /** The client the relay and the credential service use (before any circuit breaker). */
    ChainClient client();

    /** Produces {@code blocks} blocks beyond what the clock's advance produces (nothing on the devnet). */
    void produceBlocks(long blocks);

    /** How many successful landed transactions carry {@code memo}. */
    long countMemo(String memo);

    /** Transactions landed from chainsync, failed ones included. */
    long landedCount();

    /** Every memo of {@link #landedCount()}'s transactions, oldest first. */
    List<String> landedMemos();

    /** Share of accepted transactions that are lost before landing. */
    void dropRate(double rate);

    /** Share of transactions that land failed (an instruction error). */
    void failRate(double rate);

    /** Makes every RPC call fail (connection reset) until called with false. */
    void outage(boolean down);

    /**
     * The holder's wallet moves the ticket token of {@code mint} to {@code to} directly on chain,
     * bypassing the platform (seed 001's direct transfer). Returns the signature. Chains with ticket
     * tokens implement it.
     */
    default String transferAsOwner(Signer owner, String mint, String to) {
        throw new UnsupportedOperationException("no ticket tokens on this test chain");
    }

    /** The anvil node behind an EVM test chain (for reorgs and fee games). */
    default dev.chainsync.chain.evm.AnvilNode anvil() {
        throw new UnsupportedOperationException("not an EVM test chain");
    }

    @Override
    void close();

    /** The devnet on {@code clock}. */
    static TestChain devnet(ManualClock clock, Duration slot, Random random, DevnetFaults faults) {
        Devnet devnet = Devnet.builder()
                .clock(clock)
                .slotTime(slot)
                .random(random)
                .faults(faults)
                .build();
        return new TestChain() {
            @Override
            public ChainClient client() {
                return devnet;
            }

            @Override
            public void produceBlocks(long blocks) {}

            @Override
            public String transferAsOwner(Signer owner, String mint, String to) {
                return devnet.transferAsOwner(owner, mint, to);
            }

            @Override
            public long countMemo(String memo) {
                return devnet.countMemo(memo);
            }

            @Override
            public long landedCount() {
                return devnet.landedCount();
            }

            @Override
            public List<String> landedMemos() {
                return devnet.allRecords().stream()
                        .flatMap((ChainRecord r) -> r.memos().stream())
                        .toList();
            }

            @Override
            public void dropRate(double rate) {
                faults.dropRate(rate);
            }

            @Override
            public void failRate(double rate) {
                faults.failRate(rate);
            }

            @Override
            public void outage(boolean down) {
                if (down) {
                    Instant now = clock.instant();
                    faults.outage(now, now.plus(Duration.ofDays(1)));
                } else {
                    faults.clearOutages();
                }
            }

            @Override
            public void close() {
                devnet.close();
            }
        };
    }

    /**
     * The Solana runtime server, with {@code payer} given {@code lamports}, reached through {@link SolanaChainClient}
     * whose endpoint breakers run on {@code clock}. Skips the calling test where Node.js is missing.
     */
    static TestChain solanaRuntime(ManualClock clock, Signer payer, long lamports) {
        RuntimeServer runtime = SolanaRuntime.start(1);
        runtime.advance(3);
        if (lamports > 0) {
            runtime.airdrop(payer.address(), lamports);
        }
        SolanaChainClient client = runtime.client(payer, clock);
        return new TestChain() {
            @Override
            public ChainClient client() {
                return client;
            }

            @Override
            public void produceBlocks(long blocks) {
                runtime.advance(blocks);
            }

            @Override
            public long countMemo(String memo) {
                return runtime.memoCount(memo);
            }

            @Override
            public long landedCount() {
                return runtime.landed();
            }

            @Override
            public List<String> landedMemos() {
                return runtime.landedMemos();
            }

            @Override
            public void dropRate(double rate) {
                runtime.faults(0, Map.of("dropRate", rate));
            }

            @Override
            public void failRate(double rate) {
                runtime.faults(0, Map.of("failRate", rate));
            }

            @Override
            public void outage(boolean down) {
                runtime.faults(0, Map.of("outage", down));
            }

            @Override
            public void close() {
                client.close();
                runtime.close();
            }
        };
    }

    /**
     * anvil with the anchor contract, reached through {@link EvmChainClient} sending for
     * {@code issuer}. Drops are played by holding transactions in the pool and then discarding
     * them, failures by swapping the anchor contract's code for one that reverts.
     */
    static TestChain evmAnvil(Signer issuer) {
        EvmAnvil anvil = EvmAnvil.start();
        EvmChainClient client = anvil.client(issuer.address());
        return new TestChain() {
            @Override
            public ChainClient client() {
                return client;
            }

            @Override
            public dev.chainsync.chain.evm.AnvilNode anvil() {
                return anvil.node;
            }

            @Override
            public void produceBlocks(long blocks) {
                anvil.node.mine(blocks);
            }

            @Override
            public long countMemo(String memo) {
                return anvil.countMemo(memo);
            }

            @Override
            public long landedCount() {
                return anvil.anchoredMemos().size();
            }

            @Override
            public List<String> landedMemos() {
                return anvil.anchoredMemos();
            }

            @Override
            public void dropRate(double rate) {
                org.junit.jupiter.api.Assumptions.assumeTrue(
                        rate == 0.0 || rate == 1.0, "EVM tests play drops of all or nothing only");
                if (rate == 1.0) {
                    anvil.node.automine(false);
                } else {
                    anvil.node.call("anvil_dropAllTransactions", List.of());
                    anvil.node.automine(true);
                }
            }

            @Override
            public void failRate(double rate) {
                org.junit.jupiter.api.Assumptions.assumeTrue(
                        rate == 0.0 || rate == 1.0, "EVM tests play failures of all or nothing only");
                anvil.reverting(rate == 1.0);
            }

            @Override
            public void outage(boolean down) {
                anvil.outage(down);
            }

            @Override
            public void close() {
                client.close();
                anvil.close();
            }
        };
    }
}
