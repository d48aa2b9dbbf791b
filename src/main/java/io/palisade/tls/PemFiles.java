package io.palisade.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads PEM files as OpenSSL, certbot and cert-manager write them: certificate chains and CA
 * bundles, and private keys in PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC
 * PRIVATE KEY", with or without its "EC PARAMETERS" block), optionally encrypted ("ENCRYPTED PRIVATE
 * KEY", or the legacy "Proc-Type: 4,ENCRYPTED" headers) with a password read from a file. Parsing is
 * BouncyCastle's; keys are converted by the JDK's own providers (no provider is registered). Every
 * failure is a {@link TlsFileException} naming the file. Stateless and thread-safe.
 */
public final class PemFiles {
    /** No PEM file Palisade reads is larger: a longer one is not a certificate bundle. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    /**
     * BouncyCastle's provider for decrypting keys only (the JDK's lacks the padding names the PEM
     * decryptors ask for); an instance handed to the decryptors, never registered in the JVM.
     */
    private static final Provider DECRYPTION = new BouncyCastleProvider();

    private PemFiles() {}

    /**
     * The certificate chain in {@code certificate} (leaf first) and the key in {@code key}, which must
     * be the leaf's; {@code passwordFile} (may be null) holds the key's password on its first line.
     */
    public static ServerCredentials serverCredentials(Path certificate, Path key, Path passwordFile)
            throws TlsFileException {
        List<X509Certificate> chain = certificates(certificate);
        char[] password = passwordFile == null ? null : password(passwordFile);
        PrivateKey privateKey = privateKey(key, password);
        if (!belongTogether(privateKey, chain.get(0).getPublicKey())) {
            throw new TlsFileException(
                    key,
                    "this private key does not belong to the first certificate of " + certificate + " (subject "
                            + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new ServerCredentials(chain, privateKey);
    }

    /** Every certificate in {@code file}, in order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws TlsFileException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (!(item instanceof X509CertificateHolder holder)) {
                    throw new TlsFileException(
                            file, "holds a " + describe(item) + " where only certificates (BEGIN CERTIFICATE) belong");
                }
                certificates.add(converter.getCertificate(holder));
            }
        } catch (IOException | CertificateException e) {
            throw new TlsFileException(file, "not a valid PEM certificate file (" + firstLine(e) + ")");
        }
        if (certificates.isEmpty()) {
            throw new TlsFileException(file, "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    static PrivateKey privateKey(Path file, char[] password) throws TlsFileException {
        Object key = null;
        try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                // openssl ecparam -genkey writes the curve's parameters before the key
                if (item instanceof ASN1ObjectIdentifier) {
                    continue;
                }
                if (key != null) {
                    throw new TlsFileException(file, "holds more than one key; put only the server's key in it");
                }
                key = item;
            }
        } catch (IOException e) {
            throw new TlsFileException(file, "not a valid PEM private key file (" + firstLine(e) + ")");
        }
        if (key == null) {
            throw new TlsFileException(file, "holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
        }
        return convert(file, key, password);
    }

    private static PrivateKey convert(Path file, Object key, char[] password) throws TlsFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            // Only the private half is used: SEC1 keys may come without their public key.
            return switch (key) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case PKCS8EncryptedPrivateKeyInfo encrypted ->
                    converter.getPrivateKey(
                            encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                                    .setProvider(DECRYPTION)
                                    .build(requirePassword(file, password))));
                case PEMEncryptedKeyPair encrypted ->
                    converter.getPrivateKey(encrypted
                            .decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                                    .setProvider(DECRYPTION)
                                    .build(requirePassword(file, password)))
                            .getPrivateKeyInfo());
                default ->
                    throw new TlsFileException(
                            file,
                            "holds a " + describe(key) + ", not a private key (expected -----BEGIN PRIVATE KEY-----)");
            };
        } catch (PKCSException | OperatorCreationException | PEMException e) {
            throw new TlsFileException(
                    file, "cannot decrypt or read the private key; is the password right? (" + firstLine(e) + ")");
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot read the private key (" + firstLine(e) + ")");
        }
    }

    private static char[] requirePassword(Path file, char[] password) throws TlsFileException {
        if (password == null) {
            throw new TlsFileException(file, "the key is encrypted: set server.tls.key_password_file");
        }
        return password;
    }

    private static char[] password(Path file) throws TlsFileException {
        String first = read(file).lines().findFirst().orElse("");
        if (first.isEmpty()) {
            throw new TlsFileException(file, "is empty; its first line must be the key's password");
        }
        return first.toCharArray();
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: works for RSA, EC and EdDSA alike. */
    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        try {
            byte[] probe = "palisade key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = signature(publicKey.getAlgorithm());
            signer.initSign(key);
            signer.update(probe);
            byte[] signed = signer.sign();
            Signature verifier = signature(publicKey.getAlgorithm());
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            // A key of another algorithm than the certificate's (an EC key for an RSA certificate).
            return false;
        }
    }

    private static Signature signature(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "RSA" -> Signature.getInstance("SHA256withRSA");
            case "EC" -> Signature.getInstance("SHA256withECDSA");
            case "RSASSA-PSS" -> {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                yield pss;
            }
            default -> Signature.getInstance(keyAlgorithm); // Ed25519, Ed448, EdDSA sign as themselves
        };
    }

    private static String read(Path file) throws TlsFileException {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TlsFileException(file, "is larger than 1 MiB; not a PEM file");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TlsFileException(file, "cannot be read (permission denied)");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new TlsFileException(file, "is not a PEM text file (binary content; DER files must be converted)");
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read (" + firstLine(e) + ")");
        }
    }

    private static String describe(Object item) {
        return switch (item) {
            case X509CertificateHolder holder -> "certificate";
            case PrivateKeyInfo info -> "private key";
            case PEMKeyPair pair -> "private key";
            default -> item.getClass().getSimpleName();
        };
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("").strip();
    }
}
