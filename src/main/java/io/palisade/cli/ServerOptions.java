package io.palisade.cli;

import io.palisade.config.PalisadeConfig;
import picocli.CommandLine.Option;

/**
 * Where a running Palisade is, and the admin key to use: flags, else PALISADE_URL /
 * PALISADE_ADMIN_KEY, else (for commands that read the server's config) the config's listener and key.
 */
final class ServerOptions {
    @Option(names = "--url", description = "Palisade's address (default: $PALISADE_URL, else http://127.0.0.1:4000).")
    String url;

    @Option(
            names = "--admin-key",
            description = "Admin key (default: $PALISADE_ADMIN_KEY). Prefer the variable: flags show in ps.")
    String adminKey;

    @Option(names = "--json", description = "Print the raw JSON answer instead of a table.")
    boolean json;

    AdminClient client() {
        String address = url != null ? url : System.getenv().getOrDefault("PALISADE_URL", "http://127.0.0.1:4000");
        return new AdminClient(address, adminKey != null ? adminKey : System.getenv("PALISADE_ADMIN_KEY"));
    }

    /**
     * Like {@link #client()}, but what flags and variables leave open comes from {@code config}, the
     * server's own config file: its listener (a wildcard host is reached on 127.0.0.1) and admin key.
     */
    AdminClient client(PalisadeConfig config) {
        String address = url != null ? url : System.getenv("PALISADE_URL");
        if (address == null) {
            String host = config.server().host();
            if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
                host = "127.0.0.1";
            }
            address = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + config.server().port();
        }
        String key = adminKey != null ? adminKey : System.getenv("PALISADE_ADMIN_KEY");
        if (key == null && config.adminKey().isPresent()) {
            key = config.adminKey().reveal();
        }
        return new AdminClient(address, key);
    }
}
