package io.palisade.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors the audit chain outside its store: every {@code interval} when the head moved, as soon as
 * it moved {@code everyRecords} past the last checkpoint, and on close, appends a {@link Checkpoint}
 * of the last committed head to an append-only file (one JSON line, flushed to disk) and writes the
 * same line to the log ({@code audit checkpoint {…}}, logger {@code io.palisade.audit.CheckpointWriter}).
 *
 * <p>Off the commit path: the audit writer only hands over its head ({@link #headCommitted}, a
 * field write); the file write and its {@code fsync} run on this class's own thread, at most once
 * per interval or per {@code everyRecords} records. A checkpoint that cannot be written is logged
 * and the next one tries again (reopening the file); requests are never refused for it.
 * Thread-safe.
 */
public final class CheckpointWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    private final Path file;
    private final CheckpointKey key;
    private final long everyRecords;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicReference<Head> head = new AtomicReference<>();
    /** A write asked for by the record count is queued and not yet run (so the writer queues at most one). */
    private final AtomicBoolean countTriggered = new AtomicBoolean();
    /** The seq of the last checkpoint written (0: none yet by this process). */
    private volatile long writtenSeq;
    /**
     * The seq of the last checkpoint tried, written or not: what the record count counts from, so
     * a file that keeps failing is retried once per interval or per {@code everyRecords}, not per commit.
     */
    private volatile long attemptedSeq;

    private volatile boolean lastWriteFailed;
    /** Guarded by this. */
    private FileChannel channel;
    /** Guarded by this: {@link #fileKey()} when the channel was opened. */
    private Object openedKey;

    public CheckpointWriter(Path file, CheckpointKey key, Duration interval, long everyRecords, Clock clock) {
        this.file = file;
        this.key = key;
        this.everyRecords = everyRecords;
        this.clock = clock;
        try {
            // Opened now, so a file that cannot be written fails the start instead of leaving the chain unanchored.
            channel();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot open the audit checkpoint file " + file + " (audit.checkpoint_file): " + e, e);
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("palisade-audit-checkpoints")
                .daemon(true)
                .factory());
        long period = interval.toMillis();
        // // The executor owns this periodic task and stops it when close() shuts it down.
        var unused = thread.scheduleWithFixedDelay(this::writeIfMoved, period, period, TimeUnit.MILLISECONDS);
    }

    /** False after a checkpoint could not be written to the file, until one is again. */
    public boolean healthy() {
        return !lastWriteFailed;
    }

    /**
     * The chain's head after a commit: record {@code seq} with {@code hash}. Called on the audit
     * writer's thread after every commit, in chain order; never waits.
     */
    public void headCommitted(long seq, String hash) {
        head.set(new Head(seq, hash));
        if (seq - attemptedSeq >= everyRecords && countTriggered.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    countTriggered.set(false);
                    writeIfMoved();
                });
            } catch (RejectedExecutionException closing) {
                // close() writes the last head itself.
                countTriggered.set(false);
            }
        }
    }

    /** Writes a checkpoint of the head if it moved since the last one. */
    synchronized void writeIfMoved() {
        Head current = head.get();
        if (current == null || current.seq() == writtenSeq) {
            return;
        }
        attemptedSeq = current.seq();
        Checkpoint checkpoint = key.sign(
                new Checkpoint(current.seq(), current.hash(), clock.instant().truncatedTo(ChronoUnit.MILLIS), null));
        String line = checkpoint.toLine();
        // The log first: it is the second, usually shipped, copy, and must not depend on the file.
        LOG.info(CheckpointFiles.LOG_MARKER + "{}", line);
        try {
            FileChannel out = channel();
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            // Data only: the file's metadata (mtime) is not part of the anchor.
            out.force(false);
            writtenSeq = current.seq();
            if (lastWriteFailed) {
                LOG.info("audit checkpoints are written to {} again", file);
            }
            lastWriteFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!lastWriteFailed) {
                LOG.error(
                        "cannot write the audit checkpoint to {}: {}; retrying with the next one", file, e.toString());
            }
            lastWriteFailed = true;
            closeChannel();
        }
    }

    /** Stops the periodic writes and writes the last head; call after the audit writer closed (its last commit is in). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeIfMoved();
        synchronized (this) {
            closeChannel();
        }
    }

    private synchronized FileChannel channel() throws IOException {
        if (channel != null && !Objects.equals(fileKey(), openedKey)) {
            // Writing on would go to a file nobody sees any more: say so (it may be tampering) and start a new one.
            LOG.warn("the audit checkpoint file {} was moved or removed while in use; starting a new one", file);
            closeChannel();
        }
        if (channel == null) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Set<StandardOpenOption> options =
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            // Readable by the owner only (like the store): the checkpoints name record hashes, nothing secret, but
            // nobody else needs them.
            FileAttribute<?>[] ownerOnly =
                    FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                            ? new FileAttribute<?>[] {
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                            }
                            : new FileAttribute<?>[0];
            channel = FileChannel.open(file, options, ownerOnly);
            openedKey = fileKey();
        }
        return channel;
    }

    /** The identity (device and inode on POSIX) of what {@link #file} names now; null when nothing is there. */
    private Object fileKey() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // reopened for the next checkpoint
            }
            channel = null;
        }
    }

    private record Head(long seq, String hash) {}
}
