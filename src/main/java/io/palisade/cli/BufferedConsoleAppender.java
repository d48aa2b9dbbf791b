package io.palisade.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Log lines to standard error through a buffer that is written out at most {@link #FLUSH_MILLIS}
 * after the first line waiting in it, at once for WARN and ERROR lines, and at exit. Logback's
 * console appender makes one {@code write} system call per line; with one request-log line per
 * request that was a system call on every request. A background wake-up every
 * {@value #FLUSH_MILLIS} ms costs nothing measurable, unlike handing every line to a worker
 * thread (logback's {@code AsyncAppender}, which measured 17 % slower; docs/performance.md).
 * A crash of the JVM itself (not an exit) can lose up to that much INFO output; the audit trail,
 * not the log, is the durable record. Thread-safe.
 */
final class BufferedConsoleAppender extends OutputStreamAppender<ILoggingEvent> {
    static final long FLUSH_MILLIS = 100;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream target;
    private final long flushMillis;
    private volatile boolean waiting;
    private Thread flusher;
    private Thread atExit;

    /** Writes to the process's standard error. */
    BufferedConsoleAppender() {
        this(new FileOutputStream(FileDescriptor.err), FLUSH_MILLIS);
    }

    /** Writes to {@code target}, which it never closes, at most {@code flushMillis} after a line. */
    BufferedConsoleAppender(OutputStream target, long flushMillis) {
        this.target = target;
        this.flushMillis = flushMillis;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(target, BUFFER_BYTES));
        super.start();
        flusher = Thread.ofPlatform().name("palisade-log-flush").daemon(true).start(this::flushPeriodically);
        atExit = new Thread(this::flushNow, "palisade-log-flush-at-exit");
        Runtime.getRuntime().addShutdownHook(atExit);
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.interrupt();
            try {
                Runtime.getRuntime().removeShutdownHook(atExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it flushes what is left
            }
        }
        flushNow();
        super.stop();
    }

    /** Standard error stays open for everything else in the process; only what is buffered goes. */
    @Override
    protected void closeOutputStream() {
        flushNow();
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
        super.subAppend(event);
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            flushNow();
        } else {
            waiting = true;
        }
    }

    private void flushPeriodically() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(flushMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (waiting) {
                flushNow();
            }
        }
    }

    private void flushNow() {
        streamWriteLock.lock();
        try {
            waiting = false;
            if (getOutputStream() != null) {
                getOutputStream().flush();
            }
        } catch (IOException e) {
            // standard error is gone (closed pipe); nothing else can be told about it
        } finally {
            streamWriteLock.unlock();
        }
    }
}
