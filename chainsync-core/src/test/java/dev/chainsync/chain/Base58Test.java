package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base58Test {

    /** Bitcoin Core's base58_encode_decode.json vectors plus Solana ids. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|''",
                "61|2g",
                "626262|a3gV",
                "636363|aPEr",
                "73696d706c792061206c6f6e6720737472696e67|2cFupjhnEsSn59qHXstmK2ffpLv2",
                "00eb15231dfceb60925886b67d065299925915aeb172c06647|1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
                "516b6fcd0f|ABnLTmg",
                "bf4f89001e670274dd|3SEo3LWLoPntC",
                "572e4794|3EFU7m",
                "ecac89cad93923c02321|EJDM8drfXA6uyA",
                "10c8511e|Rt5zm",
                "00000000000000000000|1111111111",
                "0000000000000000000000000000000000000000000000000000000000000000|11111111111111111111111111111111",
                "06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9|TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
            })
    void knownVectors(String hex, String base58) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(Base58.encode(bytes)).isEqualTo(base58);
        assertThat(Base58.decode(base58)).isEqualTo(bytes);
    }

    @Test
    void text() {
        assertThat(Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("2NEpo7TZRRrLZSi2U");
    }

    @Test
    void roundTripsRandomBytesWithLeadingZeros() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 80)];
            random.nextBytes(bytes);
            int zeros = Math.min(bytes.length, random.nextInt(0, 4));
            for (int z = 0; z < zeros; z++) {
                bytes[z] = 0;
            }
            String encoded = Base58.encode(bytes);
            assertThat(Base58.decode(encoded))
                    .as("round trip of %s", HexFormat.of().formatHex(bytes))
                    .isEqualTo(bytes);
            int leadingZeros = 0;
            while (leadingZeros < bytes.length && bytes[leadingZeros] == 0) {
                leadingZeros++;
            }
            int leadingOnes = 0;
            while (leadingOnes < encoded.length() && encoded.charAt(leadingOnes) == '1') {
                leadingOnes++;
            }
            assertThat(leadingOnes).isEqualTo(leadingZeros);
        }
    }

    @Test
    void rejectsCharactersOutsideTheAlphabet() {
        for (String bad : new String[] {"0", "O", "I", "l", "abc+", "é", " 2g"}) {
            assertThatThrownBy(() -> Base58.decode(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid Base58 character");
        }
        assertThatThrownBy(() -> Base58.decode("2gl")).hasMessage("invalid Base58 character 'l' at position 2");
    }
}
