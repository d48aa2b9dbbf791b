package io.palisade.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away certificate authority for tests: issues server certificates for 127.0.0.1 and
 * localhost and client certificates, writes PEM files in the formats operators have (PKCS#8,
 * PKCS#1/SEC1, encrypted PKCS#8) and builds client SSL contexts that trust it.
 */
final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its key. */
    record Issued(X509Certificate certificate, KeyPair keys) {
        BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** A self-signed CA that issues certificates. */
    record Authority(Issued self) {
        static Authority create(String name) {
            KeyPair keys = rsa();
            X500Name subject = new X500Name("CN=" + name);
            return new Authority(new Issued(sign(subject, keys, subject, keys.getPrivate(), true, false), keys));
        }

        Issued server(String keyType) {
            KeyPair keys = keyType.equals("EC") ? ec() : rsa();
            return new Issued(
                    sign(new X500Name("CN=localhost"), keys, name(), self.keys().getPrivate(), false, true), keys);
        }

        Issued client(String name) {
            KeyPair keys = rsa();
            return new Issued(
                    sign(new X500Name("CN=" + name), keys, name(), self.keys().getPrivate(), false, false), keys);
        }

        X509Certificate certificate() {
            return self.certificate();
        }

        private X500Name name() {
            return X500Name.getInstance(
                    self.certificate().getSubjectX500Principal().getEncoded());
        }
    }

    private TestCertificates() {}

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(
            X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, boolean ca, boolean server) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }));
            }
            String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificates as one PEM bundle, in order. */
    static void writeCertificates(Path file, X509Certificate... certificates) {
        write(file, (Object[]) certificates);
    }

    /** The key as OpenSSL's "traditional" PEM: PKCS#1 for RSA, SEC1 for EC (with its curve, as openssl writes it). */
    static void writeTraditionalKey(Path file, PrivateKey key) {
        if (!key.getAlgorithm().equals("EC")) {
            write(file, key);
            return;
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey inner =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(
                    256,
                    inner.getKey(),
                    inner.getPublicKey(),
                    info.getPrivateKeyAlgorithm().getParameters());
            write(file, new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key as PKCS#8 ("BEGIN PRIVATE KEY"). */
    static void writePkcs8Key(Path file, PrivateKey key) {
        try {
            write(file, new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key as encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY", AES-256-CBC, PBKDF2). */
    static void writeEncryptedKey(Path file, PrivateKey key, String password) {
        try {
            var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .setPassword(password.toCharArray())
                    .build();
            write(file, new JcaPKCS8Generator(key, encryptor).generate());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as OpenSSL's legacy encrypted PEM ("Proc-Type: 4,ENCRYPTED", AES-256-CBC). */
    static void writeLegacyEncryptedKey(Path file, PrivateKey key, String password) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(
                    key,
                    new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-256-CBC")
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                            .build(password.toCharArray()));
            writer.flush();
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // Written beside and moved into place, as certbot and cert-manager do: a reader never sees half a file.
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, text.toString());
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context trusting {@code authority}, presenting {@code client} when not null. */
    static SSLContext clientContext(Authority authority, Issued client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", authority.certificate());
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.keys().getPrivate(), "changeit".toCharArray(), new X509Certificate[] {
                    client.certificate()
                });
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, "changeit".toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
