package io.palisade.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Adds Docker's Healthcheck to the image's config: jib-core sets every other field but has no
 * setter for it. In a Docker-format tarball the config is the entry {@code config.json}, named,
 * not addressed by its digest, so rewriting it leaves the manifest valid; {@code docker load}
 * derives the image id from the new config.
 */
final class HealthcheckConfig {
    static final String CONFIG_ENTRY = "config.json";

    /** The probe: the jar's own {@code palisade health}, since the image has no shell and no curl. */
    static final List<String> TEST = List.of(
            "CMD",
            ContainerImage.JAVA,
            "-Xmx32m",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-jar",
            ContainerImage.JAR,
            "health",
            "--url",
            "http://127.0.0.1:" + ContainerImage.PORT + "/health/live");

    private HealthcheckConfig() {}

    static void add(Path tarball, Path scratch) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = Files.newInputStream(tarball);
                TarArchiveInputStream entries = new TarArchiveInputStream(in);
                OutputStream out = Files.newOutputStream(scratch);
                TarArchiveOutputStream rewritten = new TarArchiveOutputStream(out)) {
            rewritten.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            rewritten.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            boolean found = false;
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                byte[] content = entries.readAllBytes();
                if (entry.getName().equals(CONFIG_ENTRY)) {
                    ObjectNode config = (ObjectNode) json.readTree(content);
                    withHealthcheck((ObjectNode) config.get("config"));
                    content = json.writeValueAsBytes(config);
                    found = true;
                }
                TarArchiveEntry copy = new TarArchiveEntry(entry.getName());
                copy.setSize(content.length);
                copy.setModTime(entry.getModTime());
                copy.setMode(entry.getMode());
                rewritten.putArchiveEntry(copy);
                rewritten.write(content);
                rewritten.closeArchiveEntry();
            }
            if (!found) {
                throw new IOException(tarball + " has no " + CONFIG_ENTRY + ": not a Docker-format image tarball");
            }
        }
        Files.move(scratch, tarball, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void withHealthcheck(ObjectNode containerConfig) {
        ObjectNode healthcheck = containerConfig.putObject("Healthcheck");
        ArrayNode test = healthcheck.putArray("Test");
        TEST.forEach(test::add);
        // Docker's durations are nanoseconds.
        healthcheck.put("Interval", Duration.ofSeconds(30).toNanos());
        healthcheck.put("Timeout", Duration.ofSeconds(10).toNanos());
        healthcheck.put("StartPeriod", Duration.ofSeconds(60).toNanos());
        healthcheck.put("Retries", 3);
    }
}
