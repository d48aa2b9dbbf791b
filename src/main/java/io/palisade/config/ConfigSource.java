package io.palisade.config;

import java.nio.file.Path;

/**
 * Where the running config comes from, so it can be read again on reload: the file (null when the
 * gateway runs on defaults and environment only) and how to load it with the same overrides.
 */
public interface ConfigSource {
    /** Loads and validates the config now; throws {@link ConfigException} when it is invalid. */
    PalisadeConfig load();

    /** The file to watch, or null. */
    Path file();

    /** A source that cannot be reloaded (a config built in code, as tests do). */
    static ConfigSource fixed(PalisadeConfig config) {
        return new ConfigSource() {
            @Override
            public PalisadeConfig load() {
                return config;
            }

            @Override
            public Path file() {
                return null;
            }
        };
    }
}
