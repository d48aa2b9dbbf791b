package io.palisade.cli;

import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The shared {@code --config} option. Without it, ./palisade.yaml is used when present, else the
 * built-in defaults; PALISADE_CONFIG names a file too.
 */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            description = "Config file (default: $PALISADE_CONFIG, else ./palisade.yaml if present, else defaults).")
    Path file;

    Path resolve() {
        if (file != null) {
            return file;
        }
        String fromEnvironment = System.getenv("PALISADE_CONFIG");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        Path local = Path.of("palisade.yaml");
        return Files.isRegularFile(local) ? local : null;
    }

    PalisadeConfig load() {
        return new ConfigLoader(System.getenv()).load(resolve());
    }
}
