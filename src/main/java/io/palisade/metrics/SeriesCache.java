package io.palisade.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The label children of the request path by their label values, so that a request does one map
 * read instead of one {@code labelValues} lookup (a varargs array and a list key) per metric. At
 * most {@code maxKeys} keys are kept: past them a key's value is made afresh on every call, which
 * moves the same series, only slower. Label values are bounded by configuration today; the bound
 * keeps a value that someday comes from a request from growing memory. Thread-safe.
 */
final class SeriesCache<K, V> {
    private final Function<K, V> make;
    private final int maxKeys;
    private final ConcurrentHashMap<K, V> known = new ConcurrentHashMap<>();

    SeriesCache(Function<K, V> make, int maxKeys) {
        this.make = make;
        this.maxKeys = maxKeys;
    }

    V get(K key) {
        V value = known.get(key);
        if (value != null) {
            return value;
        }
        value = make.apply(key);
        if (known.size() < maxKeys) {
            V raced = known.putIfAbsent(key, value);
            if (raced != null) {
                return raced;
            }
        }
        return value;
    }
}
