package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashChainTest {
    /** Hashes written by the first release: a change to the function would break every stored chain. */
    @Test
    void hashesAreTheOnesStoredChainsWereWrittenWith() {
        AuditEvent first = new AuditEvent(
                42,
                "req_1",
                "started",
                "2026-11-23T10:00:00Z",
                null,
                "{\"model\":\"qwen\",\"note\":\"grüße ✓\"}",
                HashChain.GENESIS,
                "");
        AuditEvent second = new AuditEvent(43, "req_2", "completed", "2026-11-23T10:00:01Z", "usr_1", "{}", "ab", "");

        assertThat(HashChain.hashOf(first))
                .isEqualTo("3cdece8ba4b91d5c87d27f5bdcd3f29dd5753c349f584b771861e2e9c40cb265");
        assertThat(HashChain.hashOf(second))
                .isEqualTo("9afb4957aa7d9eb66bc9463cb4cfd67f3ac37c8bd89e87c6c4334849f67524c1");
    }

    @Test
    void everyFieldIsCovered() {
        AuditEvent event = new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "");
        String hash = HashChain.hashOf(event);

        assertThat(HashChain.hashOf(
                        new AuditEvent(8, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_2", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "denied", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:01Z", "usr_1", "{}", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_2", "{}", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{ }", "ab", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ac", "")))
                .isNotEqualTo(hash);
        assertThat(HashChain.hashOf(event))
                .as("the same row hashes the same each time")
                .isEqualTo(hash);
    }

    /** Format 2 (issue 17): the hash covers the personal data's digest, never its cleartext or salt. */
    @Test
    void aFormatTwoHashCoversThePersonalDigestSoErasureKeepsIt() {
        PersonalData personal = new PersonalData("{\"user\":\"a@example.com\"}", "00", "d".repeat(64), null);
        AuditEvent event =
                new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "", personal);

        assertThat(HashChain.hashOf(event))
                .as("pinned: rows stored in format 2 depend on exactly these bytes")
                .isEqualTo("c742f91fae3c23286ed4b009474086fa4e0ecce122b5d8b2059befb6a140c4a4");
        assertThat(HashChain.hashOf(event.erased("2026-12-01T00:00:00Z"))).isEqualTo(HashChain.hashOf(event));
        assertThat(HashChain.hashOf(new AuditEvent(
                        7,
                        "req_1",
                        "started",
                        "2026-11-23T10:00:00Z",
                        "usr_1",
                        "{}",
                        "ab",
                        "",
                        new PersonalData(null, null, "e".repeat(64), "x"))))
                .isNotEqualTo(HashChain.hashOf(event));
        assertThat(HashChain.hashOf(
                        new AuditEvent(7, "req_1", "started", "2026-11-23T10:00:00Z", "usr_1", "{}", "ab", "")))
                .as("no row of one format hashes like a row of the other")
                .isNotEqualTo(HashChain.hashOf(event));
        assertThat(PersonalData.of("{\"user\":\"a@example.com\"}").matchesDigest())
                .isTrue();
        assertThat(PersonalData.of("{}").salt())
                .as("a fresh random salt per record")
                .isNotEqualTo(PersonalData.of("{}").salt());
    }
}
