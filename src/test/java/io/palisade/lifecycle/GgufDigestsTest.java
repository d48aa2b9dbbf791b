package io.palisade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufDigestsTest {
    private final GgufDigests digests = new GgufDigests();

    @Test
    void hashesTheWholeFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.gguf");
        Files.write(file, new byte[3 * 1024 * 1024 + 17]);

        assertThat(digests.sha256(file)).isEqualTo(PinVerifierTest.sha256(file)).hasSize(64);
    }

    @Test
    void anUnchangedFileIsNotReadAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.gguf");
        FileTime stamp = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));
        Files.writeString(file, "weights A");
        Files.setLastModifiedTime(file, stamp);
        String first = digests.sha256(file);

        // Same size and modification time: the cached hash is trusted, the file is not read.
        Files.writeString(file, "weights B");
        Files.setLastModifiedTime(file, stamp);
        assertThat(digests.sha256(file)).isEqualTo(first);
        assertThat(digests.sha256(dir.resolve(".").resolve("m.gguf")))
                .as("same file, other spelling")
                .isEqualTo(first);

        // Rewritten (new modification time): hashed again.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2025-01-02T00:00:00Z")));
        assertThat(digests.sha256(file)).isEqualTo(PinVerifierTest.sha256(file)).isNotEqualTo(first);

        // Another size: hashed again even with the old time.
        Files.writeString(file, "weights A, longer");
        Files.setLastModifiedTime(file, stamp);
        assertThat(digests.sha256(file)).isEqualTo(PinVerifierTest.sha256(file));
    }

    @Test
    void aMissingFileOrADirectoryFails(@TempDir Path dir) {
        assertThatThrownBy(() -> digests.sha256(dir.resolve("absent.gguf"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> digests.sha256(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
    }
}
