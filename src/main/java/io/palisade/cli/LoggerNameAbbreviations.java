package io.palisade.cli;

import ch.qos.logback.classic.pattern.Abbreviator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logger names shortened by Logback's own abbreviator, each worked out once. Logback's converter
 * caches too, but behind a lock every line takes. At most {@code maxNames} are kept (logger names
 * come from the code, so a few dozen; the bound is for a name made from data); past it a name is
 * abbreviated on every line. Thread-safe.
 */
final class LoggerNameAbbreviations {
    private final Abbreviator abbreviator;
    private final int maxNames;
    private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();

    LoggerNameAbbreviations(Abbreviator abbreviator, int maxNames) {
        this.abbreviator = abbreviator;
        this.maxNames = maxNames;
    }

    String abbreviated(String loggerName) {
        String abbreviated = known.get(loggerName);
        if (abbreviated != null) {
            return abbreviated;
        }
        abbreviated = abbreviator.abbreviate(loggerName);
        if (known.size() < maxNames) {
            known.putIfAbsent(loggerName, abbreviated);
        }
        return abbreviated;
    }
}
