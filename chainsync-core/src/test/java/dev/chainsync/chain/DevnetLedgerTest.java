package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainsync.time.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistence of {@link Devnet} through its ledger file. */
class DevnetLedgerTest {
    static final Instant START = DevnetTest.START;
    static final Ed25519Keypair ISSUER = DevnetTest.ISSUER;

    final ManualClock clock = new ManualClock(START);
    final DevnetFaults faults = new DevnetFaults();
    final List<Devnet> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        opened.forEach(Devnet::close);
    }

    Devnet open(Path ledger) {
        Devnet devnet =
                Devnet.builder().clock(clock).faults(faults).ledgerFile(ledger).build();
        opened.add(devnet);
        return devnet;
    }

    void advanceBlocks(long blocks) {
        clock.advance(Devnet.DEFAULT_SLOT_TIME.multipliedBy(blocks));
    }

    @Test
    void packedTransactionsPersistWithEveryMemoAndSingleMemoLinesOfTheEarlierFormatStillReplay() throws IOException {
        Path ledger = dir.resolve("packed.jsonl");
        Devnet first = open(ledger);
        var packed = first.buildMemoTransaction(ISSUER, List.of("p1", "p2", "p3"), first.latestBlockhash());
        first.submit(packed);
        first.close();
        // A line as written before transactions carried several memos: a single "memo" field.
        Files.writeString(
                ledger,
                "{\"signature\":\"legacySig\",\"signer\":\"" + ISSUER.address()
                        + "\",\"slot\":1,\"seq\":1,\"memo\":\"legacy\",\"error\":null}\n",
                StandardOpenOption.APPEND);

        Devnet second = open(ledger);
        advanceBlocks(2);
        assertThat(second.transaction(packed.signature()).orElseThrow().memos()).containsExactly("p1", "p2", "p3");
        assertThat(second.transaction("legacySig").orElseThrow().memos()).containsExactly("legacy");
        assertThat(List.of("p1", "p2", "p3", "legacy"))
                .allSatisfy(m -> assertThat(second.countMemo(m)).isEqualTo(1));
        assertThat(second.landedCount()).isEqualTo(2);
    }

    @Test
    void restartReplaysGenesisAndLandedTransactions() throws IOException {
        Path ledger = dir.resolve("data/devnet-ledger.jsonl");
        Devnet first = open(ledger);
        var ok = DevnetTest.memo(first, ISSUER, "persisted\nwith newline \"quotes\"");
        first.submit(ok);
        advanceBlocks(2);
        faults.failRate(1.0);
        var failed = DevnetTest.memo(first, ISSUER, "failed");
        first.submit(failed);
        faults.dropRate(1.0);
        first.submit(DevnetTest.memo(first, ISSUER, "dropped"));
        faults.reset();
        advanceBlocks(1);
        var blockhashBefore = first.latestBlockhash();
        var recordsBefore = first.allRecords();
        var statusesBefore = first.signatureStatuses(List.of(ok.signature(), failed.signature()));
        var unsent = first.buildMemoTransaction(ISSUER, "sent after restart", blockhashBefore);
        first.close();
        assertThat(Files.readAllLines(ledger)).as("header + 2 landed").hasSize(3);

        clock.set(START.plusSeconds(3600));
        Devnet second = open(ledger);
        clock.set(START.plus(Devnet.DEFAULT_SLOT_TIME.multipliedBy(3)));

        assertThat(second.genesis()).isEqualTo(START);
        assertThat(second.latestBlockhash()).as("same seed, same blockhashes").isEqualTo(blockhashBefore);
        assertThat(second.allRecords()).isEqualTo(recordsBefore).hasSize(2);
        assertThat(second.signatureStatuses(List.of(ok.signature(), failed.signature())))
                .isEqualTo(statusesBefore);
        assertThat(second.countMemo("persisted\nwith newline \"quotes\"")).isEqualTo(1);
        assertThat(second.countMemo("failed")).isZero();
        assertThat(second.countMemo("dropped")).isZero();

        assertThat(second.submit(ok)).isEqualTo(ok.signature());
        assertThat(second.landedCount())
                .as("re-sent after restart: no second effect")
                .isEqualTo(2);
        assertThat(second.submit(unsent)).isEqualTo(unsent.signature());
        assertThat(second.landedCount()).isEqualTo(3);
        assertThat(Files.readAllLines(ledger)).hasSize(4);
    }

    @Test
    void truncatedLastLineIsDiscardedAndTheFileStaysUsable() throws IOException {
        Path ledger = dir.resolve("ledger.jsonl");
        Devnet first = open(ledger);
        var a = DevnetTest.memo(first, ISSUER, "a");
        first.submit(a);
        var b = DevnetTest.memo(first, ISSUER, "b");
        first.submit(b);
        first.close();
        // Simulate a crash mid-append: the last line lost its end (and its newline).
        List<String> lines = Files.readAllLines(ledger);
        String last = lines.get(2);
        Files.writeString(ledger, lines.get(0) + "\n" + lines.get(1) + "\n" + last.substring(0, last.length() / 2));

        Devnet second = open(ledger);
        advanceBlocks(1);
        assertThat(second.allRecords()).extracting(ChainRecord::signature).containsExactly(a.signature());
        assertThat(second.signatureStatuses(List.of(a.signature(), b.signature())))
                .containsOnlyKeys(a.signature());
        // b was never acknowledged as durable, so sending it again lands it exactly once.
        second.submit(b);
        var c = DevnetTest.memo(second, ISSUER, "c");
        second.submit(c);
        second.close();

        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(ledger)) {
            assertThat(json.readTree(line).isObject()).as(line).isTrue();
        }
        Devnet third = open(ledger);
        advanceBlocks(1);
        assertThat(third.allRecords()).flatExtracting(ChainRecord::memos).containsExactly("a", "b", "c");
        assertThat(third.countMemo("b")).isEqualTo(1);
    }

    @Test
    void crashWhileWritingTheHeaderStartsAFreshChain() throws IOException {
        Path ledger = dir.resolve("ledger.jsonl");
        Files.writeString(ledger, "{\"version\":1,\"gene");

        Devnet devnet = open(ledger);

        assertThat(devnet.genesis()).isEqualTo(START);
        devnet.submit(DevnetTest.memo(devnet, ISSUER, "x"));
        assertThat(Files.readAllLines(ledger)).hasSize(2);
    }

    @Test
    void corruptLineInTheMiddleFailsFast() throws IOException {
        Path ledger = dir.resolve("ledger.jsonl");
        Devnet first = open(ledger);
        first.submit(DevnetTest.memo(first, ISSUER, "a"));
        first.close();
        Files.writeString(ledger, "garbage\n{\"signature\":\"s\"}\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> open(ledger))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 3 is corrupt");
    }

    @Test
    void oneLedgerServesOneDevnetAtATime() {
        Path ledger = dir.resolve("ledger.jsonl");
        open(ledger);

        assertThatThrownBy(() -> open(ledger))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use");
    }

    @Test
    void slotTimeMustMatchTheLedger() {
        Path ledger = dir.resolve("ledger.jsonl");
        open(ledger).close();

        assertThatThrownBy(() -> Devnet.builder()
                        .clock(clock)
                        .slotTime(Duration.ofMillis(500))
                        .ledgerFile(ledger)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slot time");
        assertThat(open(ledger).genesis())
                .as("the failed open released the file")
                .isEqualTo(START);
    }

    @Test
    void appendsAreVisibleInTheFileBeforeSubmitReturns() throws IOException {
        Path ledger = dir.resolve("ledger.jsonl");
        Devnet devnet = open(ledger);
        var tx = DevnetTest.memo(devnet, ISSUER, "durable");

        devnet.submit(tx);

        String content = Files.readString(ledger, StandardCharsets.UTF_8);
        assertThat(content).contains(tx.signature()).contains("durable").endsWith("\n");
    }

    @Test
    void aReplayedDevnetKeepsItsIdAndAFreshOneGetsAnother() {
        Path ledger = dir.resolve("ledger.jsonl");
        String id = open(ledger).chainId().orElseThrow();
        opened.getFirst().close();
        assertThat(open(ledger).chainId()).contains(id);
        assertThat(open(dir.resolve("other.jsonl")).chainId().orElseThrow()).isNotEqualTo(id);
    }
}
