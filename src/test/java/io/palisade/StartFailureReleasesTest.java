package io.palisade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails late (the listener cannot bind, after the store, audit, admission and
 * lifecycle assemblies have started) releases everything the earlier assemblies took: their
 * threads end, the store's files are closed, and a second start on the same store works.
 */
class StartFailureReleasesTest {
    private static final Path OPEN_FILES = Path.of("/proc/self/fd");

    @Test
    void aTakenMainPortReleasesWhatWasStarted(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("p.db");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Set<Thread> before = palisadeThreads();
            assertThatThrownBy(() -> Palisade.start(config(db, taken.getLocalPort(), 0), Clock.systemUTC()))
                    .isInstanceOf(RuntimeException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertReleased(before, db);
        }
        // The same store opens again: nothing of the failed start holds it.
        try (Palisade palisade = Palisade.start(config(db, 0, 0), Clock.systemUTC())) {
            assertThat(palisade.port()).isPositive();
        }
    }

    @Test
    void aTakenOperationsPortAlsoClosesTheMainListenerThatAlreadyListened(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("p.db");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Set<Thread> before = palisadeThreads();
            assertThatThrownBy(() -> Palisade.start(config(db, 0, taken.getLocalPort()), Clock.systemUTC()))
                    .isInstanceOf(RuntimeException.class);
            assertReleased(before, db);
        }
    }

    @Test
    void eachCapabilityStartsItsOwnSchedulersAndCloseStopsThem(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("p.db");
        Set<Thread> before = palisadeThreads();
        try (Palisade palisade = Palisade.start(config(db, 0, 0), Clock.systemUTC())) {
            assertThat(palisade.port()).isPositive();
            assertThat(startedSince(before))
                    // Those with work scheduled at start (a scheduler's thread starts with its first task).
                    .as("one scheduler per capability, none shared")
                    .contains(
                            "palisade-identity-poll",
                            "palisade-backend-checks",
                            "palisade-audit-watch",
                            "palisade-canary")
                    .doesNotContain("palisade-background");
        }
        assertReleased(before, db);
    }

    private static PalisadeConfig config(Path db, int port, int metricsPort) {
        return new ConfigLoader(Map.of()).parse("""
                server: {host: 127.0.0.1, port: %d}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends: [{name: gone, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                %s
                """.formatted(
                port, db, TestGateway.ADMIN_KEY, metricsPort == 0 ? "" : "metrics: {port: " + metricsPort + "}"));
    }

    private static void assertReleased(Set<Thread> before, Path db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> left = startedSince(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = startedSince(before);
        }
        assertThat(left).as("threads the failed start left running").isEmpty();
        assumeTrue(Files.isDirectory(OPEN_FILES), "open files are listed in /proc on Linux");
        assertThat(openFilesUnder(db.getParent()))
                .as("store files the failed start left open")
                .isEmpty();
    }

    /** This process's live platform threads named palisade-*, but the process-wide log flusher (not the gateway's). */
    private static Set<Thread> palisadeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive()
                        && thread.getName().startsWith("palisade-")
                        && !thread.getName().startsWith("palisade-log-"))
                .collect(Collectors.toSet());
    }

    private static Set<String> startedSince(Set<Thread> before) {
        return palisadeThreads().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    private static List<Path> openFilesUnder(Path directory) throws IOException {
        Path real = directory.toRealPath();
        try (Stream<Path> descriptors = Files.list(OPEN_FILES)) {
            return descriptors
                    .flatMap(descriptor -> {
                        try {
                            return Stream.of(Files.readSymbolicLink(descriptor));
                        } catch (IOException | UnsupportedOperationException e) {
                            return Stream.empty(); // closed between listing and reading
                        }
                    })
                    .filter(target -> target.startsWith(real))
                    .toList();
        }
    }
}
