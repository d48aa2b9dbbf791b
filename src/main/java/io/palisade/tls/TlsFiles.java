package io.palisade.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PEM files the listener's TLS is made of: the certificate chain, its key, optionally the
 * key's password file and the CA bundle that client certificates must chain to. {@code keyPasswordFile}
 * and {@code clientCa} may be null. Immutable.
 */
public record TlsFiles(Path certificate, Path key, Path keyPasswordFile, Path clientCa) {

    /** Reads and checks every file: the chain and its key (which must match), and the client CA bundle. */
    public Loaded load() throws TlsFileException {
        ServerCredentials credentials = PemFiles.serverCredentials(certificate, key, keyPasswordFile);
        List<X509Certificate> authorities = clientCa == null ? List.of() : PemFiles.certificates(clientCa);
        return new Loaded(credentials, authorities);
    }

    /** What {@link #load} read: the server's credentials and the client CAs (empty without client_ca). */
    public record Loaded(ServerCredentials credentials, List<X509Certificate> clientAuthorities) {
        public Loaded {
            clientAuthorities = List.copyOf(clientAuthorities);
        }
    }

    /**
     * A digest of the files' current contents, to notice a change without parsing: a file that cannot be
     * read (being replaced, removed) gives a digest of its own, so the next readable state differs from it.
     */
    public byte[] contentDigest() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Path file : files()) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                content = new byte[0];
            }
            // length-prefixed, so that moving bytes from one file to the next is a change too
            digest.update(
                    ByteBuffer.allocate(Integer.BYTES).putInt(content.length).array());
            digest.update(content);
        }
        return digest.digest();
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>(Arrays.asList(certificate, key));
        if (keyPasswordFile != null) {
            files.add(keyPasswordFile);
        }
        if (clientCa != null) {
            files.add(clientCa);
        }
        return files;
    }
}
