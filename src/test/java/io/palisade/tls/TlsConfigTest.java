package io.palisade.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.config.ConfigException;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.tls}: the key formats operators have, and a clear refusal for every bad file, at load time. */
class TlsConfigTest {
    private final TestCertificates.Authority authority = TestCertificates.Authority.create("Test CA");

    private static PalisadeConfig load(Path dir, String tls) {
        return new ConfigLoader(Map.of()).parse("server: {tls: {" + tls + "}}\n", dir);
    }

    @Test
    void withoutTlsTheListenerIsPlainHttpWithHttp2ReadyForTls() {
        PalisadeConfig config = new ConfigLoader(Map.of()).parse("");
        assertThat(config.server().tls()).isEqualTo(TlsConfig.OFF);
        assertThat(config.server().http2()).isTrue();
        assertThat(config.server().h2c()).isFalse();
    }

    @Test
    void readsPkcs8Pkcs1Sec1AndEncryptedKeys(@TempDir Path dir) throws Exception {
        TestCertificates.Issued rsa = authority.server("RSA");
        TestCertificates.Issued ec = authority.server("EC");
        TestCertificates.writeCertificates(dir.resolve("rsa.pem"), rsa.certificate(), authority.certificate());
        TestCertificates.writeCertificates(dir.resolve("ec.pem"), ec.certificate());
        TestCertificates.writePkcs8Key(dir.resolve("rsa-pkcs8.key"), rsa.keys().getPrivate());
        TestCertificates.writeTraditionalKey(
                dir.resolve("rsa-pkcs1.key"), rsa.keys().getPrivate());
        TestCertificates.writeTraditionalKey(
                dir.resolve("ec-sec1.key"), ec.keys().getPrivate());
        TestCertificates.writeEncryptedKey(
                dir.resolve("rsa-encrypted.key"), rsa.keys().getPrivate(), "s3cret");
        TestCertificates.writeLegacyEncryptedKey(
                dir.resolve("rsa-legacy.key"), rsa.keys().getPrivate(), "s3cret");
        Files.writeString(dir.resolve("password"), "s3cret\n");

        assertThat(Files.readString(dir.resolve("rsa-pkcs1.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("ec-sec1.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("rsa-encrypted.key")))
                .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        for (String key : new String[] {"rsa-pkcs8.key", "rsa-pkcs1.key", "rsa-encrypted.key", "rsa-legacy.key"}) {
            ServerCredentials credentials = new TlsFiles(
                            dir.resolve("rsa.pem"), dir.resolve(key), dir.resolve("password"), null)
                    .load()
                    .credentials();
            assertThat(credentials.chain()).hasSize(2);
            assertThat(credentials.leaf().getSerialNumber()).isEqualTo(rsa.serial());
        }
        PalisadeConfig config = load(dir, "certificate: ec.pem, key: ec-sec1.key");
        assertThat(config.server().tls().files().certificate()).isEqualTo(dir.resolve("ec.pem"));
        assertThat(config.server().tls().files().load().credentials().leaf().getSerialNumber())
                .isEqualTo(ec.serial());
    }

    @Test
    void aBadFileIsRefusedAtLoadNamingTheFileAndTheProblem(@TempDir Path dir) {
        TestCertificates.Issued server = authority.server("RSA");
        TestCertificates.Issued other = authority.server("RSA");
        TestCertificates.writeCertificates(dir.resolve("server.pem"), server.certificate());
        TestCertificates.writeTraditionalKey(
                dir.resolve("server.key"), server.keys().getPrivate());
        TestCertificates.writeTraditionalKey(
                dir.resolve("other.key"), other.keys().getPrivate());
        TestCertificates.writeEncryptedKey(
                dir.resolve("locked.key"), server.keys().getPrivate(), "s3cret");

        assertRefused(
                dir,
                "certificate: server.pem, key: other.key",
                "other.key",
                "does not belong to the first certificate");
        assertRefused(dir, "certificate: missing.pem, key: server.key", "missing.pem", "does not exist");
        assertRefused(dir, "certificate: server.key, key: server.key", "server.key", "where only certificates");
        assertRefused(dir, "certificate: server.pem, key: server.pem", "server.pem", "not a private key");
        assertRefused(dir, "certificate: server.pem, key: locked.key", "locked.key", "key_password_file");
        assertRefused(
                dir,
                "certificate: server.pem, key: locked.key, key_password_file: server.pem",
                "locked.key",
                "is the password right?");
        assertRefused(dir, "certificate: server.pem", "server.tls.key", "is required");
        assertRefused(
                dir,
                "certificate: server.pem, key: server.key, admin_client_auth: required",
                "admin_client_auth",
                "client_ca");
    }

    @Test
    void garbageIsNotPem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n");
        TestCertificates.Issued server = authority.server("EC");
        TestCertificates.writeTraditionalKey(
                dir.resolve("server.key"), server.keys().getPrivate());
        assertRefused(dir, "certificate: garbage.pem, key: server.key", "garbage.pem", "not a valid PEM certificate");
        Files.writeString(dir.resolve("empty.pem"), "");
        assertRefused(dir, "certificate: empty.pem, key: server.key", "empty.pem", "holds no PEM certificate");
    }

    private static void assertRefused(Path dir, String tls, String names, String problem) {
        assertThatThrownBy(() -> load(dir, tls))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(names)
                .hasMessageContaining(problem)
                .satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat "));
    }
}
