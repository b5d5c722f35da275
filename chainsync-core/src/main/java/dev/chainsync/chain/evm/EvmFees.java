package dev.chainsync.chain.evm;

import java.math.BigInteger;

/**
 * What an EVM transaction references in place of a Solana blockhash: its nonce and its EIP-1559
 * fees. Before a nonce is reserved, the relay's "latest blockhash" carries the fees and the
 * chain's pending nonce; {@link #wire()} is how either is stored in an attempt's blockhash column.
 *
 * @param nonce the reserved nonce, or the chain's pending nonce when {@code reserved} is false
 */
record EvmFees(boolean reserved, long nonce, BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
    /** Nodes refuse a replacement that raises either fee by less than 10%; this bumps by 12.5%. */
    static final BigInteger BUMP_NUMERATOR = BigInteger.valueOf(9);

    static final BigInteger BUMP_DENOMINATOR = BigInteger.valueOf(8);

    EvmFees {
        if (nonce < 0) {
            throw new IllegalArgumentException("nonce must not be negative");
        }
        if (maxPriorityFeePerGas.signum() < 0 || maxFeePerGas.compareTo(maxPriorityFeePerGas) < 0) {
            throw new IllegalArgumentException("need 0 <= maxPriorityFeePerGas <= maxFeePerGas");
        }
    }

    /** Fees for the next block: twice its base fee (room for six full blocks of rises) plus the tip. */
    static EvmFees quote(BigInteger baseFee, BigInteger tip, long pendingNonce) {
        return new EvmFees(false, pendingNonce, baseFee.shiftLeft(1).add(tip), tip);
    }

    /** These fees under a reserved nonce. */
    EvmFees withNonce(long reservedNonce) {
        return new EvmFees(true, reservedNonce, maxFeePerGas, maxPriorityFeePerGas);
    }

    /**
     * The replacement of {@code previous}: its nonce, and each fee the higher of today's quote and
     * the previous fee bumped by 12.5% (plus one wei, so that a zero tip rises too).
     */
    static EvmFees replacing(EvmFees previous, EvmFees quote) {
        BigInteger tip = quote.maxPriorityFeePerGas.max(bump(previous.maxPriorityFeePerGas));
        BigInteger cap = quote.maxFeePerGas.max(bump(previous.maxFeePerGas)).max(tip);
        return new EvmFees(true, previous.nonce, cap, tip);
    }

    private static BigInteger bump(BigInteger fee) {
        return fee.multiply(BUMP_NUMERATOR).divide(BUMP_DENOMINATOR).add(BigInteger.ONE);
    }

    /** {@code nonce:N:maxFee:tip} once reserved, {@code quote:N:maxFee:tip} before. */
    String wire() {
        return (reserved ? "nonce:" : "quote:") + nonce + ":" + maxFeePerGas + ":" + maxPriorityFeePerGas;
    }

    /** Parses {@link #wire()}. */
    static EvmFees parse(String wire) {
        String[] parts = wire.split(":");
        if (parts.length != 4 || !parts[0].equals("nonce") && !parts[0].equals("quote")) {
            throw new IllegalArgumentException("not an EVM nonce and fees: " + wire);
        }
        try {
            return new EvmFees(
                    parts[0].equals("nonce"),
                    Long.parseLong(parts[1]),
                    new BigInteger(parts[2]),
                    new BigInteger(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an EVM nonce and fees: " + wire, e);
        }
    }
}
