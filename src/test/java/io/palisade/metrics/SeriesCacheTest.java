package io.palisade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key's value is made once while there is room; past the bound, made on every call. */
class SeriesCacheTest {
    private final List<String> made = new ArrayList<>();
    private final SeriesCache<String, String> cache = new SeriesCache<>(
            key -> {
                made.add(key);
                return "value of " + key;
            },
            2);

    @Test
    void keysWithinTheBoundAreMadeOnceAndTheRestEveryTime() {
        for (int round = 0; round < 3; round++) {
            assertThat(cache.get("a")).isEqualTo("value of a");
            assertThat(cache.get("b")).isEqualTo("value of b");
            assertThat(cache.get("unknown model")).isEqualTo("value of unknown model");
        }

        assertThat(made).containsExactly("a", "b", "unknown model", "unknown model", "unknown model");
    }

    @Test
    void aKeptValueIsTheSameObjectEveryTime() {
        assertThat(cache.get("a")).isSameAs(cache.get("a"));
    }
}
