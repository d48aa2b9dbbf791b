package io.palisade;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private, throw-away PostgreSQL server for the test JVM: started on first use from the Debian
 * binaries under {@code /usr/lib/postgresql/VERSION/bin} (installed by {@code scripts/test-services}),
 * in a temporary folder, listening on 127.0.0.1 only on a free port with trust authentication, with
 * durability switched off for speed. One server per JVM; each {@link #newDatabaseUrl()} is a fresh,
 * empty database, so tests are isolated without paying for another server. A shutdown hook stops
 * the server ({@code pg_ctl stop -m immediate}) and deletes its folder.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM is root (as in CI containers), {@code initdb}
 * and the server run as the {@code postgres} OS user through {@code runuser}, in a folder that
 * user owns. Missing binaries fail the test with what to run: a database test never skips silently.
 *
 * <p>Thread-safe.
 */
public final class TestPostgres {
    private static final Path INSTALLATIONS = Path.of("/usr/lib/postgresql");
    private static final String SUPERUSER = "postgres";
    private static final Object LOCK = new Object();
    private static TestPostgres running;
    private static RuntimeException startFailure;

    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(int port) {
        this.port = port;
    }

    /** A URL ({@code postgresql://postgres@127.0.0.1:PORT/db_N}) of a new empty database on the JVM's server. */
    public static String newDatabaseUrl() {
        TestPostgres server = server();
        String name = "db_" + server.databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"), SUPERUSER, null);
                Statement statement = connection.createStatement()) {
            // template0: a pristine copy, never touched by an earlier test.
            statement.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return "postgresql://" + SUPERUSER + "@127.0.0.1:" + server.port + "/" + name;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    // The start failure is kept so every later test of the run reports it instead of retrying a slow start.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    private static TestPostgres server() {
        synchronized (LOCK) {
            if (running == null && startFailure == null) {
                try {
                    running = start();
                } catch (RuntimeException e) {
                    startFailure = e;
                }
            }
            if (startFailure != null) {
                throw new IllegalStateException(startFailure.getMessage(), startFailure);
            }
            return running;
        }
    }

    private static TestPostgres start() {
        Path bin = binaries();
        boolean root = isRoot();
        Path base;
        try {
            base = Files.createTempDirectory(Path.of("/tmp"), "palisade-pg-");
            if (root) {
                // The server runs as postgres, so postgres must own the folder it writes.
                UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView view = Files.getFileAttributeView(base, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName(SUPERUSER));
                view.setGroup(users.lookupPrincipalByGroupName(SUPERUSER));
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot prepare a folder for the test PostgreSQL server: " + e.getMessage(), e);
        }
        Path data = base.resolve("data");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bin, root, base, data), "test-postgres-stop"));

        run(
                root,
                base,
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        SUPERUSER,
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync"));
        int port = freePort();
        String options = String.join(
                " ",
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-k",
                base.toString(),
                "-c",
                "max_connections=300",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "synchronous_commit=off");
        // -w: pg_ctl returns once the server accepts connections (or fails, naming the log).
        run(
                root,
                base,
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        base.resolve("server.log").toString(),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        "60",
                        "start"));
        return new TestPostgres(port);
    }

    private static void stop(Path bin, boolean root, Path base, Path data) {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(
                        root,
                        base,
                        List.of(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                data.toString(),
                                "-m",
                                "immediate",
                                "-w",
                                "stop"));
            }
        } catch (RuntimeException e) {
            System.err.println("test PostgreSQL did not stop cleanly: " + e.getMessage());
        }
        deleteRecursively(base);
    }

    private static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(INSTALLATIONS)) {
            try (Stream<Path> versions = Files.list(INSTALLATIONS)) {
                versions.map(version -> version.resolve("bin"))
                        .filter(bin -> Stream.of("initdb", "pg_ctl", "postgres")
                                .allMatch(tool -> Files.isExecutable(bin.resolve(tool))))
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return candidates.stream()
                .max(Comparator.comparingInt(
                        bin -> majorVersion(bin.getParent().getFileName().toString())))
                .orElseThrow(
                        () -> new IllegalStateException(
                                "the PostgreSQL tests need initdb, pg_ctl and postgres under " + INSTALLATIONS
                                        + "/*/bin, and there are none: run scripts/test-services (or ./palisade test) to install them"));
    }

    private static int majorVersion(String folder) {
        try {
            return Integer.parseInt(folder.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        return run(false, Path.of("/"), List.of("id", "-u")).strip().equals("0");
    }

    /** Runs {@code command} (as postgres when {@code asPostgres}) in {@code folder}; returns its output or fails with it. */
    private static String run(boolean asPostgres, Path folder, List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        full.addAll(command);
        try {
            // The folder is one postgres can enter; the JVM's working folder may not be.
            Process process = new ProcessBuilder(full)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish:\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", full) + " failed (exit " + process.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", full), e);
        }
    }

    // Picked, then given to postgres, which needs the number up front (it names its socket file
    // after it) and cannot report a port of its own choosing.
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path folder, IOException failure) throws IOException {
                    Files.delete(folder);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("cannot delete the test PostgreSQL folder " + root + ": " + e.getMessage());
        }
    }
}
