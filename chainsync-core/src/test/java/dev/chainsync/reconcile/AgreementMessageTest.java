package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A run without findings explains why its chain and database counts differ. */
class AgreementMessageTest {
    @Test
    void namesBothCountsAndTheSettleGraceBehindTheirDifference() {
        String message = CredentialReconciler.agreement(12, 6);

        assertThat(message)
                .contains("all 12 memos the issuer wrote")
                .contains("all 6 credentials confirmed")
                .contains("last " + CredentialReconciler.SETTLE_GRACE.toSeconds() + " s, the settle grace");
    }
}
