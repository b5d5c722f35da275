package dev.chainsync.ingest;

import java.math.BigInteger;
import java.time.Instant;

/** One decoded event of an entry's {@code event_data}; records per MultiVault event, generic otherwise. */
sealed interface ChainEvent {
    Meta meta();

    /** Where the event sits on chain; {@code (transactionHash, logIndex)} identifies it. */
    record Meta(
            String network,
            Long chainId,
            String address,
            String blockHash,
            long blockNumber,
            Instant blockTimestamp,
            String transactionHash,
            long logIndex,
            long transactionIndex) {}

    record AtomCreated(Meta meta, String creator, String termId, byte[] atomData, String atomWallet)
            implements ChainEvent {}

    record TripleCreated(
            Meta meta,
            String creator,
            String termId,
            String subjectId,
            String predicateId,
            String objectId,
            String counterTermId)
            implements ChainEvent {}

    record Deposited(
            Meta meta,
            String sender,
            String receiver,
            String termId,
            BigInteger curveId,
            BigInteger assets,
            BigInteger assetsAfterFees,
            BigInteger shares,
            BigInteger totalShares,
            int vaultType)
            implements ChainEvent {}

    record Redeemed(
            Meta meta,
            String sender,
            String receiver,
            String termId,
            BigInteger curveId,
            BigInteger shares,
            BigInteger totalShares,
            BigInteger assets,
            BigInteger fees,
            int vaultType)
            implements ChainEvent {}

    record SharePriceChanged(
            Meta meta,
            String termId,
            BigInteger curveId,
            BigInteger sharePrice,
            BigInteger totalAssets,
            BigInteger totalShares,
            int vaultType)
            implements ChainEvent {}

    /** An event chainsync has no handler for, kept whole as JSON. */
    record Generic(Meta meta, String eventName, String signatureHash, String json) implements ChainEvent {}
}
