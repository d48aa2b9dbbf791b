package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Each name is abbreviated once while there is room; past the bound, on every line, and still right. */
class LoggerNameAbbreviationsTest {
    private final List<String> asked = new ArrayList<>();
    private final LoggerNameAbbreviations names = new LoggerNameAbbreviations(
            name -> {
                asked.add(name);
                return name.toUpperCase(Locale.ROOT);
            },
            2);

    @Test
    void knownNamesAreAbbreviatedOnceAndNamesPastTheBoundEveryTime() {
        for (int round = 0; round < 3; round++) {
            assertThat(names.abbreviated("a.b")).isEqualTo("A.B");
            assertThat(names.abbreviated("c.d")).isEqualTo("C.D");
            assertThat(names.abbreviated("e.f")).isEqualTo("E.F");
        }

        assertThat(asked).containsExactly("a.b", "c.d", "e.f", "e.f", "e.f");
    }
}
