package dev.chainsync.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A lookup that read a key just before revoke() must not put it back into this instance's cache. */
class ApiKeysRevocationRaceTest {
    @Test
    void aLookupInFlightDuringRevokeDoesNotReviveTheKey() throws Exception {
        try (TestDatabases.Scratch db = TestDatabases.create("keyrace")) {
            DataSource real = db.database().dataSource();
            CountDownLatch readDone = new CountDownLatch(1);
            CountDownLatch revoked = new CountDownLatch(1);
            ThreadLocal<Boolean> stall = ThreadLocal.withInitial(() -> false);
            // The in-flight lookup has read its row; it is held between the read and its cache write.
            DataSource stalling = (DataSource) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                        Object r = m.invoke(real, a);
                        if (!m.getName().equals("getConnection") || !stall.get()) {
                            return r;
                        }
                        Connection c = (Connection) r;
                        return Proxy.newProxyInstance(
                                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("close")) {
                                        stall.set(false);
                                        readDone.countDown();
                                        revoked.await(10, TimeUnit.SECONDS);
                                    }
                                    return m2.invoke(c, a2);
                                });
                    });
            ApiKeys keys = new ApiKeys(new Jdbc(stalling), Clock.systemUTC(), new SecureRandom(), null);
            ApiKeys.Created created = keys.create("k", EnumSet.of(Scope.READ), null);

            CompletableFuture<Optional<ApiKey>> inFlight = CompletableFuture.supplyAsync(() -> {
                stall.set(true);
                return keys.authenticate(created.secret());
            });
            assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(keys.revoke(created.key().id())).isTrue();
            revoked.countDown();
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isPresent(); // began before the revocation: fine

            assertThat(keys.authenticate(created.secret()))
                    .as("accepted after revoke() returned")
                    .isEmpty();
        }
    }
}
