package io.palisade;

import io.palisade.store.Dialect;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh, empty stores of either dialect for tests that run against both. Thread-safe. */
public final class TestStores {
    private static final AtomicInteger FILES = new AtomicInteger();

    private TestStores() {}

    /** A URL no other test uses: a new SQLite file in {@code dir}, or a new database on {@link TestPostgres}. */
    public static String newUrl(Dialect dialect, Path dir) {
        return switch (dialect) {
            case SQLITE -> "sqlite:" + dir.resolve("store-" + FILES.incrementAndGet() + ".db");
            case POSTGRESQL -> TestPostgres.newDatabaseUrl();
        };
    }
}
