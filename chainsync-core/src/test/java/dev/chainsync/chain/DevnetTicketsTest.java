package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainInstruction.BurnTicket;
import dev.chainsync.chain.ChainInstruction.Memo;
import dev.chainsync.chain.ChainInstruction.MintTicket;
import dev.chainsync.chain.ChainInstruction.TransferTicket;
import dev.chainsync.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ticket tokens on the devnet: mint, transfer, burn, direct transfers, races and replay. */
class DevnetTicketsTest {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    final SecureRandom random = new SecureRandom();
    final Ed25519Keypair platform = Ed25519Keypair.generate(random);
    final Ed25519Keypair alice = Ed25519Keypair.generate(random);
    final Ed25519Keypair bob = Ed25519Keypair.generate(random);
    final Ed25519Keypair carol = Ed25519Keypair.generate(random);
    final ManualClock clock = new ManualClock(START);
    final List<Devnet> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        opened.forEach(Devnet::close);
    }

    Devnet open(Path ledger) {
        Devnet d = Devnet.builder().clock(clock).ledgerFile(ledger).build();
        opened.add(d);
        return d;
    }

    void confirm() {
        clock.advance(Devnet.DEFAULT_SLOT_TIME.multipliedBy(2));
    }

    String send(Devnet d, Signer signer, ChainInstruction... instructions) {
        return d.submit(d.buildTransaction(signer, List.of(instructions), d.latestBlockhash()));
    }

    String mint(Devnet d, String ticketId, String owner) {
        String mint = TicketMints.address(platform, ticketId);
        send(d, platform, new Memo("mint " + ticketId), new MintTicket(ticketId, mint, owner, "event=1;seat=A1"));
        return mint;
    }

    @Test
    void mintTransferAndBurnMoveTheTokenAndAreListedNewestFirstWithTheirMemos() {
        Devnet d = open(null);
        String mint = mint(d, "t-1", alice.address());
        assertThat(d.tokenOwner(mint)).as("not confirmed yet").isEmpty();
        confirm();
        assertThat(d.tokenOwner(mint).orElseThrow().owner()).isEqualTo(alice.address());

        String transfer =
                send(d, platform, new Memo("transfer t-1"), new TransferTicket(mint, alice.address(), bob.address()));
        confirm();
        TokenOwnership afterTransfer = d.tokenOwner(mint).orElseThrow();
        assertThat(afterTransfer.owner()).isEqualTo(bob.address());
        assertThat(afterTransfer.amount()).isEqualTo(1);
        assertThat(afterTransfer.slot())
                .isEqualTo(d.signatureStatuses(List.of(transfer)).get(transfer).slot());

        send(d, platform, new Memo("burn t-1"), new BurnTicket(mint, bob.address()));
        confirm();
        assertThat(d.tokenOwner(mint).orElseThrow().burned()).isTrue();

        List<TokenTransfer> changes = d.tokenTransfers(mint, null, 10);
        assertThat(changes)
                .extracting(TokenTransfer::kind)
                .containsExactly(TokenTransfer.Kind.BURN, TokenTransfer.Kind.TRANSFER, TokenTransfer.Kind.MINT);
        assertThat(changes.get(1).memos()).containsExactly("transfer t-1");
        assertThat(changes.get(1).signer()).isEqualTo(platform.address());
        assertThat(d.tokenTransfers(mint, changes.get(1).signature(), 10))
                .extracting(TokenTransfer::kind)
                .containsExactly(TokenTransfer.Kind.MINT);
        // The platform's history still finds every operation by its memo.
        assertThat(d.recordsByAddress(platform.address(), null, 10)).hasSize(3);
        assertThat(d.countMemo("transfer t-1")).isEqualTo(1);
    }

    @Test
    void ofTwoTransfersFromTheSameOwnerOnlyTheFirstSucceedsAndTheSecondLandsFailedChangingNothing() {
        Devnet d = open(null);
        String mint = mint(d, "t-2", alice.address());
        confirm();
        String first = send(d, platform, new Memo("a"), new TransferTicket(mint, alice.address(), bob.address()));
        String second = send(d, platform, new Memo("b"), new TransferTicket(mint, alice.address(), carol.address()));
        confirm();

        var statuses = d.signatureStatuses(List.of(first, second));
        assertThat(statuses.get(first).failed()).isFalse();
        assertThat(statuses.get(second).error()).contains("insufficient funds");
        assertThat(d.tokenOwner(mint).orElseThrow().owner()).isEqualTo(bob.address());
        assertThat(d.countMemo("b"))
                .as("a failed transaction proves nothing landed")
                .isZero();
    }

    @Test
    void theOwnerMayTransferDirectlyButNobodyElseMayAndNoMintMayBeCreatedTwice() {
        Devnet d = open(null);
        String mint = mint(d, "t-3", alice.address());
        confirm();

        String stranger = send(d, carol, new TransferTicket(mint, alice.address(), carol.address()));
        String direct = d.transferAsOwner(alice, mint, bob.address());
        String again = mint(d, "t-3", carol.address());
        confirm();

        var statuses = d.signatureStatuses(List.of(stranger, direct));
        assertThat(statuses.get(stranger).error()).contains("neither the owner nor the delegate");
        assertThat(statuses.get(direct).failed()).isFalse();
        assertThat(again).isEqualTo(mint);
        TokenTransfer seen = d.tokenTransfers(mint, null, 1).getFirst();
        assertThat(seen.signer()).isEqualTo(alice.address());
        assertThat(seen.from()).isEqualTo(alice.address());
        assertThat(seen.to()).isEqualTo(bob.address());
        assertThat(d.tokenOwner(mint).orElseThrow().owner()).isEqualTo(bob.address());
    }

    @Test
    void aMintAddressNotDerivedFromTheSignerIsRefusedWhenBuilding() {
        Devnet d = open(null);
        String other = Ed25519Keypair.generate(random).address();
        assertThatThrownBy(() -> d.buildTransaction(
                        platform,
                        List.of(new Memo("m"), new MintTicket("t-4", other, alice.address(), "x")),
                        d.latestBlockhash()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the address derived");
    }

    @Test
    void buildingIsDeterministicAndMemoOnlyListsKeepTheirMemoTransactionBytes() {
        Devnet d = open(null);
        RecentBlockhash bh = d.latestBlockhash();
        String mint = TicketMints.address(platform, "t-5");
        List<ChainInstruction> ins = List.of(new Memo("m"), new MintTicket("t-5", mint, alice.address(), "meta"));
        SignedTransaction a = d.buildTransaction(platform, ins, bh);
        SignedTransaction b = d.buildTransaction(platform, ins, bh);
        assertThat(a.signature()).isEqualTo(b.signature());
        assertThat(a.wire()).isEqualTo(b.wire()).hasSize(d.transactionBytes(ins));
        assertThat(a.memos()).containsExactly("m");
        assertThat(d.buildTransaction(platform, List.of(new Memo("x"), new Memo("y")), bh)
                        .signature())
                .isEqualTo(
                        d.buildMemoTransaction(platform, List.of("x", "y"), bh).signature());
        assertThat(TicketMints.address(platform, "t-5"))
                .isNotEqualTo(TicketMints.address(platform, "t-6"))
                .isNotEqualTo(TicketMints.address(alice, "t-5"));
    }

    @Test
    void aReplayedLedgerRebuildsEveryTokenAndFailedTransactionsStayWithoutEffect() throws Exception {
        Path ledger = dir.resolve("tickets.jsonl");
        Devnet first = open(ledger);
        String mint = mint(first, "t-7", alice.address());
        confirm();
        send(first, platform, new Memo("t"), new TransferTicket(mint, alice.address(), bob.address()));
        send(first, platform, new Memo("late"), new TransferTicket(mint, alice.address(), carol.address()));
        confirm();
        first.close();
        assertThat(Files.readString(ledger)).contains("\"tokens\"");

        Devnet second = open(ledger);
        confirm();
        assertThat(second.tokenOwner(mint).orElseThrow().owner()).isEqualTo(bob.address());
        assertThat(second.tokenTransfers(mint, null, 10)).hasSize(2);
        String more = second.transferAsOwner(bob, mint, carol.address());
        confirm();
        assertThat(second.signatureStatuses(List.of(more)).get(more).failed()).isFalse();
        assertThat(second.tokenOwner(mint).orElseThrow().owner()).isEqualTo(carol.address());
    }

    @Test
    void chainsWithoutTicketTokensRefuseTicketInstructionsButStillBuildMemos() {
        Devnet d = open(null);
        ChainClient memoOnly = new ChainClient() {
            @Override
            public String name() {
                return "memo-only";
            }

            @Override
            public long blockHeight() {
                return d.blockHeight();
            }

            @Override
            public RecentBlockhash latestBlockhash() {
                return d.latestBlockhash();
            }

            @Override
            public int memoTransactionBytes(List<String> memos) {
                return d.memoTransactionBytes(memos);
            }

            @Override
            public SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash bh) {
                return d.buildMemoTransaction(signer, memos, bh);
            }

            @Override
            public String submit(SignedTransaction transaction) {
                return d.submit(transaction);
            }

            @Override
            public java.util.Map<String, SignatureStatus> signatureStatuses(java.util.Collection<String> signatures) {
                return d.signatureStatuses(signatures);
            }

            @Override
            public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
                return d.recordsByAddress(address, beforeSignature, limit);
            }

            @Override
            public java.util.Optional<ChainRecord> transaction(String signature) {
                return d.transaction(signature);
            }

            @Override
            public ChainHealth health() {
                return d.health();
            }
        };
        RecentBlockhash bh = d.latestBlockhash();
        assertThat(memoOnly.buildTransaction(platform, List.of(new Memo("m")), bh)
                        .signature())
                .isEqualTo(d.buildMemoTransaction(platform, "m", bh).signature());
        assertThatThrownBy(() -> memoOnly.transactionBytes(
                        List.of(new Memo("m"), new BurnTicket(alice.address(), alice.address()))))
                .isInstanceOf(UnsupportedInstructionException.class)
                .hasMessageContaining("BurnTicket");
        assertThatThrownBy(() -> memoOnly.tokenOwner(alice.address()))
                .isInstanceOf(UnsupportedInstructionException.class);
    }
}
