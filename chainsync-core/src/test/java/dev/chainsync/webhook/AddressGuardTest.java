package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF rules, without DNS except for names every machine resolves to loopback. */
class AddressGuardTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1/hook",
                "http://127.1.2.3:8080/hook",
                "http://10.0.0.1/",
                "http://10.255.1.2/",
                "http://172.16.0.1/",
                "http://172.31.255.255/",
                "http://192.168.1.1/",
                "http://169.254.169.254/latest",
                "http://100.64.0.1/",
                "http://0.0.0.0/",
                "http://224.0.0.1/",
                "http://255.255.255.255/",
                "http://2130706433/",
                "http://[::1]/",
                "http://[::]/",
                "http://[::ffff:127.0.0.1]/",
                "http://[::ffff:7f00:1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://[::ffff:169.254.169.254]/",
                "http://[::127.0.0.1]/",
                "http://[fe80::1]/",
                "http://[fd00::1]/",
                "http://[fc00::1]/",
                "http://[ff02::1]/",
                "http://[64:ff9b::7f00:1]/",
                "http://[2002:7f00:1::]/",
                "http://[2001:db8::1]/",
                "https://localhost/",
                "http://LOCALHOST:9/x"
            })
    void privateLoopbackLinkLocalAndReservedTargetsAreRefused(String url) {
        assertThatThrownBy(() -> AddressGuard.check(AddressGuard.parse(url)))
                .isInstanceOf(AddressGuard.Refused.class)
                .hasMessageContaining("private, loopback, link-local or reserved");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://93.184.216.34/hook",
                "http://8.8.8.8:8080/x",
                "https://[2606:4700:4700::1111]/",
                "http://172.32.0.1/",
                "http://100.128.0.1/",
                "https://[64:ff9b::808:808]/"
            })
    void publicAddressesPass(String url) throws Exception {
        AddressGuard.check(AddressGuard.parse(url));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://example.com/",
                "file:///etc/passwd",
                "gopher://x/",
                "http:///nohost",
                "https://user:pw@example.com/",
                "https://example.com/#frag",
                "not a url",
                "",
                "http://127.1/",
                "javascript:alert(1)"
            })
    void onlyPlainHttpAndHttpsUrlsAreAccepted(String url) {
        assertThatThrownBy(() -> AddressGuard.parse(url)).isInstanceOf(AddressGuard.Refused.class);
    }

    @org.junit.jupiter.api.Test
    void ipv4MappedAddressesAreJudgedByTheirIpv4Part() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 1;
        // Built as an Inet6Address explicitly: InetAddress.getByAddress would turn it into IPv4.
        assertThat(AddressGuard.forbidden(java.net.Inet6Address.getByAddress(null, mapped, -1)))
                .isTrue();
        mapped[12] = 8;
        mapped[13] = 8;
        mapped[14] = 8;
        mapped[15] = 8;
        assertThat(AddressGuard.forbidden(java.net.Inet6Address.getByAddress(null, mapped, -1)))
                .isFalse();
        assertThat(AddressGuard.forbidden(InetAddress.ofLiteral("1.1.1.1"))).isFalse();
        assertThat(AddressGuard.host(URI.create("http://[::1]:80/"))).isEqualTo("::1");
    }
}
