package io.palisade.config;

/**
 * What a config reload did. Its {@link #label()} is the one rendering everywhere the result is
 * shown: the {@code result} label of {@code palisade_config_reloads_total}, the admin API's
 * {@code result} field, the audit record and the log line. Kept here (not in the reloader's
 * package) because metrics, below the lifecycle in the package graph, render it too.
 */
public enum ReloadResult {
    /** The new config serves now. */
    APPLIED("applied"),
    /** The file loaded but changed nothing the running gateway can take without a restart. */
    UNCHANGED("unchanged"),
    /** The file could not be loaded or is invalid; the running config stays. */
    REJECTED("rejected");

    private final String label;

    ReloadResult(String label) {
        this.label = label;
    }

    /** The lower-case word metrics, the admin API, audit and logs show (stable: dashboards key on it). */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
