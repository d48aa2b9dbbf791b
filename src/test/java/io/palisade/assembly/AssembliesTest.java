package io.palisade.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssembliesTest {
    private final List<String> closed = new ArrayList<>();

    private Assembly named(String name) {
        return () -> closed.add(name);
    }

    private Assembly failing(String name) {
        return () -> {
            closed.add(name);
            throw new IllegalStateException(name + " failed to close");
        };
    }

    @Test
    void closesLatestFirstAndOnlyOnce() {
        Assemblies assemblies = new Assemblies();
        assemblies.add(named("store"));
        assemblies.add(named("audit"));
        assemblies.add(named("http"));
        assemblies.close();
        assemblies.close();
        assertThat(closed).containsExactly("http", "audit", "store");
    }

    @Test
    void aFailingCloseDoesNotKeepTheEarlierOnesOpen() {
        Assemblies assemblies = new Assemblies();
        assemblies.add(named("store"));
        assemblies.add(failing("audit"));
        assemblies.add(failing("http"));
        assertThatThrownBy(assemblies::close)
                .hasMessage("http failed to close")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .containsExactly("audit failed to close"));
        assertThat(closed).containsExactly("http", "audit", "store");
    }

    @Test
    void afterAFailedStartTheCloseFailuresJoinTheStartFailure() {
        Assemblies assemblies = new Assemblies();
        assemblies.add(named("store"));
        assemblies.add(failing("audit"));
        RuntimeException startFailure = new RuntimeException("port taken");
        assemblies.closeAfterFailedStart(startFailure);
        assertThat(closed).containsExactly("audit", "store");
        assertThat(startFailure.getSuppressed())
                .extracting(Throwable::getMessage)
                .containsExactly("audit failed to close");
    }
}
