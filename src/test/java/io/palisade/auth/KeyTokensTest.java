package io.palisade.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyTokensTest {
    /** Stored keys are looked up by this hash: it must not change between releases. */
    @Test
    void hashIsTheHexSha256OfTheToken() {
        assertThat(KeyTokens.hash("pal_abc_def"))
                .isEqualTo("3348a87bd61bfcef3c4aa9cee36b2fc8b6e915956331cffe3ce702df41d49f80");
        assertThat(KeyTokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(KeyTokens.hash("pal_abc_def"))
                .as("a digest is never shared between calls")
                .isEqualTo("3348a87bd61bfcef3c4aa9cee36b2fc8b6e915956331cffe3ce702df41d49f80");
    }

    @Test
    void fingerprintIsAShortPrefixOfTheHash() {
        assertThat(KeyTokens.fingerprintOfHash(KeyTokens.hash("pal_abc_def"))).isEqualTo("sha256:3348a87bd61bfcef");
    }
}
