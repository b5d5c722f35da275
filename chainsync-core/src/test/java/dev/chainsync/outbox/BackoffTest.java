package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(1));

    @Test
    void ceilingDoublesPerFailureUpToTheCap() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(500)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeWindow() {
        long below = 0;
        long above = 0;
        for (int i = 0; i < 2000; i++) {
            Duration d = backoff.delay(4);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(800));
            if (d.toMillis() < 400) {
                below++;
            } else {
                above++;
            }
        }
        assertThat(below).isBetween(800L, 1200L);
        assertThat(above).isBetween(800L, 1200L);
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(9));
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(9));
        for (int i = 1; i < 10; i++) {
            assertThat(a.delay(i)).isEqualTo(b.delay(i));
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
