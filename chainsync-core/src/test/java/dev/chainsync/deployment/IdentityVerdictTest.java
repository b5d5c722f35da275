package dev.chainsync.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityVerdictTest {
    static final SharedIdentity SOLANA = new SharedIdentity("Issuer1", "fp1", "solana", "Genesis1");

    static Map<String, String> stored(SharedIdentity i) {
        return Map.of(
                IdentityVerdict.ISSUER, i.issuerPublicKey(),
                IdentityVerdict.WEBHOOK_KEY, i.webhookKeyFingerprint(),
                IdentityVerdict.CHAIN, i.chain(),
                IdentityVerdict.CHAIN_ID, i.chainId());
    }

    @Test
    void firstStartRecordsEverything() {
        IdentityVerdict v = IdentityVerdict.decide(Map.of(), SOLANA, false);
        assertThat(v.refused()).isFalse();
        assertThat(v.toRecord()).isEqualTo(stored(SOLANA));
    }

    @Test
    void sameSettingsRecordNothing() {
        IdentityVerdict v = IdentityVerdict.decide(stored(SOLANA), SOLANA, false);
        assertThat(v.refused()).isFalse();
        assertThat(v.toRecord()).isEmpty();
    }

    @Test
    void everyDisagreementIsNamedWithItsSettingAndNoRecordIsWritten() {
        var other = new SharedIdentity("Issuer2", "fp2", "solana", "Genesis2");
        IdentityVerdict v = IdentityVerdict.decide(stored(SOLANA), other, false);
        assertThat(v.toRecord()).isEmpty();
        assertThat(v.problems()).hasSize(3);
        assertThat(v.problems().get(0)).contains("CHAINSYNC_ISSUER_KEYPAIR", "Issuer1", "Issuer2");
        assertThat(v.problems().get(1)).contains("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY", "fp1", "fp2");
        assertThat(v.problems().get(2)).contains("CHAINSYNC_SOLANA_RPC_URLS", "Genesis1", "Genesis2");
    }

    @Test
    void anotherChainNameIsRefused() {
        var devnet = new SharedIdentity("Issuer1", "fp1", "devnet", "Dev1");
        IdentityVerdict v = IdentityVerdict.decide(stored(SOLANA), devnet, false);
        assertThat(v.problems()).singleElement().asString().contains("CHAINSYNC_CHAIN=solana");
    }

    @Test
    void anUnreadableGenesisHashIsNotCheckedNorRecorded() {
        var unknown = new SharedIdentity("Issuer1", "fp1", "solana", null);
        assertThat(IdentityVerdict.decide(stored(SOLANA), unknown, false).refused())
                .isFalse();
        assertThat(IdentityVerdict.decide(Map.of(), unknown, false).toRecord())
                .doesNotContainKey(IdentityVerdict.CHAIN_ID)
                .containsEntry(IdentityVerdict.CHAIN, "solana");
    }

    @Test
    void aDevnetReplacesADeadOneButNotALiveOne() {
        var first = new SharedIdentity("Issuer1", "fp1", "devnet", "Dev1");
        var second = new SharedIdentity("Issuer1", "fp1", "devnet", "Dev2");
        IdentityVerdict takeOver = IdentityVerdict.decide(stored(first), second, false);
        assertThat(takeOver.refused()).isFalse();
        assertThat(takeOver.toRecord()).isEqualTo(Map.of(IdentityVerdict.CHAIN_ID, "Dev2"));

        IdentityVerdict refused = IdentityVerdict.decide(stored(first), second, true);
        assertThat(refused.problems()).singleElement().asString().contains("devnet Dev1", "live", "CHAINSYNC_CHAIN");
    }
}
