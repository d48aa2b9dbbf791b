package io.palisade.cli;

import picocli.CommandLine.Option;

/** Where a running Palisade is, and the admin key to use: flags, else PALISADE_URL / PALISADE_ADMIN_KEY. */
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
}
