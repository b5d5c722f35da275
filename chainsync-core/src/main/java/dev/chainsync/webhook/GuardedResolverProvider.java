package dev.chainsync.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (installed through {@code META-INF/services}): the built-in one, except
 * that for a host with a webhook delivery in flight it drops every address {@link AddressGuard}
 * forbids. The HTTP client resolves the host itself, so this is what makes it connect only to an
 * address that passed the check, even when DNS answers differently the second time (rebinding).
 */
public final class GuardedResolverProvider extends InetAddressResolverProvider {
    private static volatile InetAddressResolver builtin;

    /** True once the JVM chose this provider; without it the guard falls back to check-then-connect. */
    static boolean installed() {
        return builtin != null;
    }

    /** Every address of {@code host} as the system resolver sees it now, bypassing the JVM's cache and the filter. */
    static InetAddress[] resolveUnfiltered(String host) throws UnknownHostException {
        InetAddressResolver b = builtin;
        if (b == null) {
            return InetAddress.getAllByName(host);
        }
        return b.lookupByName(host, InetAddressResolver.LookupPolicy.of(
                InetAddressResolver.LookupPolicy.IPV4 | InetAddressResolver.LookupPolicy.IPV6)).toArray(InetAddress[]::new);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        builtin = configuration.builtinResolver();
        return new Guarded(configuration.builtinResolver());
    }

    @Override
    public String name() {
        return "chainsync-webhook-guard";
    }

    private record Guarded(InetAddressResolver builtin) implements InetAddressResolver {
        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            Stream<InetAddress> all = builtin.lookupByName(host, policy);
            if (!AddressGuard.guarded(host)) {
                return all;
            }
            List<InetAddress> allowed = all.filter(a -> !AddressGuard.forbidden(a)).toList();
            if (allowed.isEmpty()) {
                throw new UnknownHostException(host + ": refused, resolves only to private or reserved addresses");
            }
            return allowed.stream();
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            return builtin.lookupByAddress(addr);
        }
    }
}
