package io.palisade;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private, throw-away {@code redis-server} on a free port of 127.0.0.1, without persistence or
 * a config file, stopped (process destroyed, directory deleted) on {@link #close}. Tests share one
 * per JVM through {@link #shared()} and keep apart by {@link #uniquePrefix()}; a test that stops
 * or reconfigures its server starts its own with {@link #start}. Missing {@code redis-server}
 * fails the test: run {@code scripts/test-services}. Thread-safe.
 */
public final class TestRedis implements AutoCloseable {
    private static final List<Path> KNOWN_LOCATIONS =
            List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
    private static final long STARTUP_MILLIS = 10_000;

    private static TestRedis shared;

    private final Process process;
    private final int port;
    private final Path directory;

    private TestRedis(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    /** The JVM's shared server, started on first use and stopped when the JVM exits. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            TestRedis started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-redis-stop"));
            shared = started;
        }
        return shared;
    }

    /** A server of one's own; {@code extraArguments} are redis-server options, e.g. "--requirepass", "secret". */
    public static TestRedis start(String... extraArguments) {
        Path binary = binary();
        IllegalStateException failure = null;
        // The free port may be taken between finding it and redis binding it: try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOn(binary, freePort(), extraArguments);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /**
     * A server of one's own on {@code port}, e.g. to bring back a server a test stopped at the
     * address its clients still use. Retries while the old process' port is still being released.
     */
    public static TestRedis startOn(int port, String... extraArguments) {
        Path binary = binary();
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return startOn(binary, port, extraArguments);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A key prefix no other test uses, so tests on the shared server never see each other's keys. */
    public String uniquePrefix() {
        return "test:" + UUID.randomUUID() + ":";
    }

    /** A port nothing listens on (for "Redis is down"). */
    public static int closedPort() {
        return freePort();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteDirectory();
    }

    private static TestRedis startOn(Path binary, int port, String... extraArguments) {
        Path directory;
        try {
            directory = Files.createTempDirectory("palisade-test-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                directory.toString(),
                "--logfile",
                ""));
        command.addAll(List.of(extraArguments));
        Path log = directory.resolve("redis.log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        TestRedis redis = new TestRedis(process, port, directory);
        // Until it answers or has exited (a clash on the port ends it at once: start() retries).
        boolean answered = Await.lastValue(
                java.time.Duration.ofMillis(STARTUP_MILLIS),
                () -> answers(port),
                up -> up || !process.isAlive(),
                "redis-server answering on port " + port);
        if (answered) {
            return redis;
        }
        if (!process.isAlive()) {
            String output = log(log);
            redis.deleteDirectory();
            throw new IllegalStateException("redis-server exited on port " + port + ":\n" + output);
        }
        String output = log(log);
        redis.close();
        throw new IllegalStateException(
                "redis-server did not answer PING on port " + port + " within " + STARTUP_MILLIS + " ms:\n" + output);
    }

    static Path binary() {
        String path = System.getenv("PATH");
        Stream<Path> onPath = path == null
                ? Stream.empty()
                : Stream.of(path.split(java.io.File.pathSeparator))
                        .filter(entry -> !entry.isEmpty())
                        .map(entry -> Path.of(entry, "redis-server"));
        return Stream.concat(onPath, KNOWN_LOCATIONS.stream())
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("redis-server is not installed (looked on PATH and in "
                        + KNOWN_LOCATIONS + "); the Redis tests need it:"
                        + " run scripts/test-services (or ./palisade test, which runs it first)"));
    }

    // Any reply means the server is serving (a password-protected one answers -NOAUTH).
    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return reply != null && (reply.startsWith("+") || reply.startsWith("-"));
        } catch (IOException e) {
            return false;
        }
    }

    // Picked, then given to redis-server, which cannot report a port of its own choosing (its
    // "--port 0" turns TCP off); start() retries when another process took it in between.
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
