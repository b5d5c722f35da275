package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class EvmFeesTest {

    @Test
    void quoteIsTwiceTheBaseFeePlusTheTipAndRoundTrips() {
        EvmFees q = EvmFees.quote(BigInteger.valueOf(1_000), BigInteger.valueOf(7), 5);
        assertThat(q.maxFeePerGas()).isEqualTo(BigInteger.valueOf(2_007));
        assertThat(q.reserved()).isFalse();
        assertThat(EvmFees.parse(q.wire())).isEqualTo(q);
        EvmFees r = q.withNonce(9);
        assertThat(r.wire()).isEqualTo("nonce:9:2007:7");
        assertThat(EvmFees.parse(r.wire())).isEqualTo(r);
    }

    @Test
    void replacementKeepsTheNonceAndRaisesBothFeesByMoreThanTenPercent() {
        EvmFees previous = new EvmFees(true, 4, BigInteger.valueOf(1_000), BigInteger.valueOf(100));
        EvmFees cheaperQuote = EvmFees.quote(BigInteger.valueOf(10), BigInteger.ONE, 12);
        EvmFees r = EvmFees.replacing(previous, cheaperQuote);
        assertThat(r.nonce()).isEqualTo(4);
        assertThat(r.reserved()).isTrue();
        assertThat(r.maxFeePerGas()).isGreaterThan(BigInteger.valueOf(1_100));
        assertThat(r.maxPriorityFeePerGas()).isGreaterThan(BigInteger.valueOf(110));
        // A zero tip rises too.
        EvmFees zero = new EvmFees(true, 1, BigInteger.TEN, BigInteger.ZERO);
        assertThat(EvmFees.replacing(zero, EvmFees.quote(BigInteger.ONE, BigInteger.ZERO, 0))
                        .maxPriorityFeePerGas())
                .isPositive();
        // A dearer market wins over the bump.
        EvmFees dear =
                EvmFees.replacing(previous, EvmFees.quote(BigInteger.valueOf(5_000), BigInteger.valueOf(500), 4));
        assertThat(dear.maxFeePerGas()).isEqualTo(BigInteger.valueOf(10_500));
    }

    @Test
    void refusesWhatIsNotANonceAndFees() {
        assertThatThrownBy(() -> EvmFees.parse("5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EvmFees.parse("nonce:x:1:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvmFees(true, 1, BigInteger.ONE, BigInteger.TEN))
                .hasMessageContaining("maxPriorityFeePerGas");
    }
}
