package io.palisade.cli;

import io.palisade.Palisade;
import io.palisade.config.BackendConfig;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.ServerConfig;
import io.palisade.store.StoreUrl;
import java.time.Clock;
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

    @Override
    public Integer call() throws InterruptedException {
        PalisadeConfig loaded = config.load();
        if (port != null || host != null) {
            ServerConfig server = loaded.server();
            loaded = loaded.withServer(new ServerConfig(host != null ? host : server.host(), port != null ? port : server.port(),
                    server.maxBodyBytes(), server.trustForwardedFor()));
        }
        LoggingSetup.apply(loaded.logging());
        Palisade palisade = Palisade.start(loaded, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            palisade.close();
            stopped.countDown();
        }, "palisade-shutdown"));

        System.out.println("Palisade is listening on http://" + loaded.server().host() + ":" + palisade.port());
        System.out.println("  store: " + StoreUrl.parse(loaded.storeUrl()));
        for (BackendConfig backend : loaded.backends()) {
            System.out.println("  backend: " + backend.name() + " (" + backend.kind().name().toLowerCase() + ") at " + backend.url());
        }
        palisade.bootstrapAdminKey().ifPresent(key -> {
            System.out.println();
            System.out.println("First start: an administrator key was created. It is shown only this once; store it now:");
            System.out.println();
            System.out.println("    " + key);
            System.out.println();
            System.out.println("Use it with the admin CLI:  export PALISADE_ADMIN_KEY=" + key);
        });
        System.out.flush();
        stopped.await();
        return 0;
    }
}
