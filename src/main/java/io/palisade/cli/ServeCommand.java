package io.palisade.cli;

import io.palisade.Palisade;
import io.palisade.config.BackendConfig;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.ServerConfig;
import io.palisade.store.StoreUrl;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code palisade serve}: run the gateway until stopped (SIGINT/SIGTERM drain and close cleanly). */
@Command(name = "serve", description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--port", description = "Override server.port.")
    Integer port;

    @Option(names = "--host", description = "Override server.host.")
    String host;

    /** The SQLite store's folder, else ./data: where the first administrator key file goes. */
    private static Path dataDirectory(PalisadeConfig config) {
        StoreUrl store = StoreUrl.parse(config.storeUrl());
        return store.file() != null ? store.file().getParent() : Path.of("data").toAbsolutePath();
    }

    private PalisadeConfig withOverrides(PalisadeConfig loaded) {
        if (port == null && host == null) {
            return loaded;
        }
        ServerConfig server = loaded.server();
        return loaded.withServer(
                server.listeningOn(host != null ? host : server.host(), port != null ? port : server.port()));
    }

    /** {@code kill -HUP} reloads the config, as with nginx and Envoy. The JDK offers signals only through sun.misc. */
    private static void reloadOnHangup(Palisade palisade) {
        try {
            HangupSignal.handle(() -> Thread.ofVirtual().start(() -> palisade.reloadConfig("signal")));
        } catch (IllegalArgumentException unsupported) {
            System.err.println(
                    "SIGHUP is not available on this platform; reload with `palisade models reload` instead");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ConfigSource source = new ConfigSource() {
            @Override
            public PalisadeConfig load() {
                return withOverrides(config.load());
            }

            @Override
            public Path file() {
                return config.resolve();
            }
        };
        PalisadeConfig loaded = source.load();
        LoggingSetup.apply(loaded.logging());
        Palisade palisade = Palisade.start(source, loaded, Clock.systemUTC());
        reloadOnHangup(palisade);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            palisade.close();
                            stopped.countDown();
                        },
                        "palisade-shutdown"));

        System.out.println("Palisade is listening on " + (loaded.server().tls().enabled() ? "https" : "http") + "://"
                + loaded.server().host() + ":" + palisade.port());
        palisade.metricsPort()
                .ifPresent(port -> System.out.println(
                        "  metrics and health probes: http://" + loaded.server().host() + ":" + port + "/metrics"));
        System.out.println("  store: " + StoreUrl.parse(loaded.storeUrl()));
        for (BackendConfig backend : loaded.backends()) {
            System.out.println("  backend: " + backend.name() + " ("
                    + backend.kind().name().toLowerCase(Locale.ROOT) + ") at " + backend.url());
        }
        Path dataDirectory = dataDirectory(loaded);
        palisade.bootstrapAdminKey()
                .ifPresentOrElse(
                        key -> FirstAdminKey.announce(key, Terminal.isInteractive(), dataDirectory, System.out),
                        () -> FirstAdminKey.remindIfLeftBehind(dataDirectory, System.out));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
