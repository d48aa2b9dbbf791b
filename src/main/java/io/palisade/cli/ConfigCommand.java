package io.palisade.cli;

import io.palisade.config.BackendConfig;
import io.palisade.config.ModelConfig;
import io.palisade.config.PalisadeConfig;
import io.palisade.store.StoreUrl;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code palisade config check}: validate without starting anything. */
@Command(name = "config", description = "Work with the configuration.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: palisade config check", PalisadeCommand.EXIT_USAGE);
    }

    @Command(
            name = "check",
            description = "Validate the configuration and print what it means; secrets are never printed.")
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            Path file = config.resolve();
            PalisadeConfig loaded = config.load();
            System.out.println("config OK (" + (file == null ? "no file: built-in defaults" : file) + ")");
            System.out.println("  listen:   " + loaded.server().host() + ":"
                    + loaded.server().port());
            System.out.println("  store:    " + StoreUrl.parse(loaded.storeUrl()));
            for (BackendConfig backend : loaded.backends()) {
                System.out.println("  backend:  " + backend.name() + " ("
                        + backend.kind().name().toLowerCase(Locale.ROOT) + ") " + backend.url()
                        + (backend.apiKey().isPresent() ? " api_key=" + backend.apiKey() : "")
                        + (backend.discoverModels() ? " discover_models" : ""));
            }
            for (ModelConfig model : loaded.models()) {
                StringBuilder line = new StringBuilder("  model:    " + model.name() + " ->");
                model.deployments()
                        .forEach(d -> line.append(' ')
                                .append(d.backend())
                                .append('/')
                                .append(d.upstreamModel())
                                .append(model.deployments().size() > 1 ? " (weight " + d.weight() + ")" : "")
                                .append(d.pin() == null ? "" : " pinned"));
                if (model.canary() != null) {
                    line.append(", canary ")
                            .append(model.canary().deployment().id())
                            .append(" at ")
                            .append(model.canary().percent())
                            .append('%');
                }
                if (!model.fallbacks().isEmpty()) {
                    line.append(", falls back to ").append(String.join(", ", model.fallbacks()));
                }
                System.out.println(line);
            }
            System.out.println(
                    "  audit:    content " + loaded.audit().content().name().toLowerCase(Locale.ROOT));
            System.out.println("  admin:    key " + loaded.adminKey());
            return 0;
        }
    }
}
