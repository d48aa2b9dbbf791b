package io.palisade.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.store.UsageStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage rows the store could not take, kept on disk until it can: an append-only file of JSON
 * lines, one row each, in the data directory. Appends are forced to disk before they return.
 * A replay hands the rows to the store in chunks and deletes the file only once every chunk is
 * stored; rows carry their own id and the store skips ids it has, so a replay cut short (or one
 * that ran twice) stores each row once. A line cut short by a crash while appending is skipped
 * with a warning (it was never acknowledged as spooled). One recorder per file: replicas that
 * spool need their own data directory. Not thread-safe: its recorder calls it under its lock.
 */
final class UsageSpool {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSpool.class);
    private static final int REPLAY_CHUNK = 5_000;

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private long rows;

    UsageSpool(Path file) {
        this.file = file;
        this.rows = countRows();
    }

    Path file() {
        return file;
    }

    /** Rows spooled and not yet replayed. */
    long rows() {
        return rows;
    }

    /** Appends {@code events} and forces them to disk; throws {@link UncheckedIOException} if it cannot. */
    void append(List<UsageStore.UsageEvent> events) {
        StringBuilder text = new StringBuilder(events.size() * 320);
        try {
            for (UsageStore.UsageEvent event : events) {
                text.append(json.writeValueAsString(event)).append('\n');
            }
            Path directory = file.toAbsolutePath().getParent();
            if (directory != null) {
                Files.createDirectories(directory);
            }
            try (FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot spool " + events.size() + " usage rows to " + file + ": " + e.getMessage(), e);
        }
        rows += events.size();
    }

    /**
     * Hands every spooled row to {@code store} in chunks, then deletes the file. When {@code store}
     * throws, the file stays whole (what was stored is skipped next time) and the exception passes.
     */
    void replay(Consumer<List<UsageStore.UsageEvent>> store) {
        if (!Files.exists(file)) {
            rows = 0;
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<UsageStore.UsageEvent> chunk = new ArrayList<>(REPLAY_CHUNK);
            String line;
            while ((line = reader.readLine()) != null) {
                UsageStore.UsageEvent event = parse(line);
                if (event != null) {
                    chunk.add(event);
                }
                if (chunk.size() == REPLAY_CHUNK) {
                    store.accept(chunk);
                    chunk = new ArrayList<>(REPLAY_CHUNK);
                }
            }
            if (!chunk.isEmpty()) {
                store.accept(chunk);
            }
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay the usage spool " + file + ": " + e.getMessage(), e);
        }
        rows = 0;
    }

    private UsageStore.UsageEvent parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            UsageStore.UsageEvent event = json.readValue(line, UsageStore.UsageEvent.class);
            if (event.eventId() == null) {
                throw new IOException("no event id");
            }
            return event;
        } catch (IOException e) {
            LOG.warn(
                    "skipping an unreadable line of the usage spool {} (cut short by a crash?): {}",
                    file,
                    e.getMessage());
            return null;
        }
    }

    private long countRows() {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> !line.isBlank()).count();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot read the usage spool {}: {}", file, e.getMessage());
            return 0;
        }
    }
}
