package dev.chainsync.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease/version pattern on a table of its own: claims skip held rows, settles respect versions. */
class LeaseTableTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final LeaseTable TABLE = new LeaseTable("jobs", "j");
    private static final String CLAIM = TABLE.claim(
            "",
            "",
            "SELECT id FROM jobs WHERE done IS NULL AND (lease_until IS NULL OR lease_until < ?) "
                    + "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
            "",
            "j.id, j.version");
    private static final LeaseTable.Settle<Row> FINISH =
            TABLE.settle("done = u.done, finished_at = ?", new Column<>("done", "text", Row::result));

    private TestDatabases.Scratch scratch;
    private Jdbc jdbc;

    /** A claimed job and what to write for it. */
    record Row(long id, long version, String result) implements Leased {}

    @BeforeEach
    void setUp() {
        scratch = TestDatabases.create("lease-table");
        jdbc = scratch.database().jdbc();
        jdbc.update("""
                CREATE TABLE jobs (id bigint PRIMARY KEY, lease_owner text, lease_until timestamptz,
                                   version bigint NOT NULL DEFAULT 0, done text, finished_at timestamptz)""");
        jdbc.update("INSERT INTO jobs (id) SELECT g FROM generate_series(1, 5) g");
    }

    @AfterEach
    void tearDown() {
        scratch.close();
    }

    private List<Row> claim(String owner, int limit) {
        return jdbc.inTransaction(c -> Jdbc.query(
                c,
                CLAIM,
                r -> new Row(r.getLong(1), r.getLong(2), null),
                owner,
                NOW.plus(Duration.ofSeconds(30)),
                NOW,
                limit));
    }

    @Test
    void aClaimLeasesDueRowsAndBumpsTheirVersion() {
        List<Row> a = claim("a", 3);
        assertThat(a).extracting(Row::id).containsExactly(1L, 2L, 3L);
        assertThat(a).allSatisfy(r -> assertThat(r.version()).isEqualTo(1));
        assertThat(claim("b", 10))
                .extracting(Row::id)
                .as("leased rows are not claimed again")
                .containsExactly(4L, 5L);
    }

    @Test
    void aSettleWritesOnlyRowsStillAtTheirClaimedVersionAndClearsTheLease() {
        List<Row> claimed = claim("a", 2);
        // Another worker took row 2 over after this one's lease (its version moved on).
        jdbc.update("UPDATE jobs SET version = version + 1, lease_owner = 'b' WHERE id = 2");
        Set<Long> written = jdbc.inTransaction(c -> FINISH.apply(
                c,
                claimed.stream()
                        .map(r -> new Row(r.id(), r.version(), "ok-" + r.id()))
                        .toList(),
                NOW));
        assertThat(written).containsExactly(1L);
        assertThat(jdbc.queryOne(
                                "SELECT done, lease_owner, version FROM jobs WHERE id = 1",
                                r -> r.getString(1) + "/" + r.getString(2) + "/" + r.getLong(3))
                        .orElseThrow())
                .isEqualTo("ok-1/null/2");
        assertThat(jdbc.queryOne(
                                "SELECT coalesce(done, '-') || '/' || lease_owner FROM jobs WHERE id = 2",
                                r -> r.getString(1))
                        .orElseThrow())
                .as("the row the other worker holds is left alone")
                .isEqualTo("-/b");
    }

    @Test
    void lockHeldNamesOnlyRowsAtTheirClaimedVersion() {
        List<Row> claimed = claim("a", 3);
        jdbc.update("UPDATE jobs SET version = version + 1 WHERE id = 3");
        Set<Long> held = jdbc.inTransaction(c -> TABLE.lockHeld(c, claimed));
        assertThat(held).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void releaseOwnedGivesBackOnlyTheOwnersClaimsThatMatch() {
        claim("a", 2);
        claim("b", 2);
        int released = jdbc.withConnection(c -> TABLE.releaseOwned(c, "a", "done = ?", "j.id > ?", "released", 1L));
        assertThat(released).isEqualTo(1);
        assertThat(jdbc.query("SELECT id FROM jobs WHERE lease_owner IS NULL AND done = 'released'", r -> r.getLong(1)))
                .containsExactly(2L);
        assertThat(jdbc.query("SELECT id FROM jobs WHERE lease_owner IS NOT NULL ORDER BY id", r -> r.getLong(1)))
                .containsExactly(1L, 3L, 4L);
    }

    @Test
    void anEmptySettleTouchesNothing() {
        Set<Long> written = jdbc.inTransaction(c -> FINISH.apply(c, List.of(), NOW));
        assertThat(written).isEmpty();
    }
}
