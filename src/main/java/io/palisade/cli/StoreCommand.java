package io.palisade.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.store.Database;
import io.palisade.store.SchemaStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code palisade store schema}: questions about the store itself, asked without changing it. */
@Command(
        name = "store",
        description = "Inspect the store.",
        subcommands = {StoreCommand.Schema.class})
final class StoreCommand implements Runnable {
    /** The store is newer than this release: the release must not run on it (rollback.sh relies on this code). */
    static final int EXIT_STORE_NEWER = 4;

    @Override
    public void run() {
        throw new CliException("say what to do: schema", PalisadeCommand.EXIT_USAGE);
    }

    @Command(
            name = "schema",
            description = "Print the store's schema version and this release's as JSON, without migrating anything;"
                    + " exit 0 when this release can run on the store, 4 when a newer release migrated it.")
    static final class Schema implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--store", description = "Store URL (default: the config's store.url).")
        String store;

        @Override
        public Integer call() throws JsonProcessingException {
            SchemaStatus status =
                    Database.schemaStatus(store != null ? store : config.load().storeUrl());
            ObjectMapper json = new ObjectMapper();
            ObjectNode answer = json.createObjectNode();
            answer.put("store_schema", status.storeNumber());
            answer.put("release_schema", status.releaseNumber());
            answer.put("compatible", status.compatible());
            System.out.println(json.writeValueAsString(answer));
            return status.compatible() ? 0 : EXIT_STORE_NEWER;
        }
    }
}
