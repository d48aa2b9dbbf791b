package io.palisade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestStores;
import io.palisade.routing.CanaryPhase;
import io.palisade.store.CanaryStateStore;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Canary phases as replicas see them: one store, a snapshot each. */
class CanaryStatesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private Database database;

    @BeforeEach
    void open() {
        database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aReplicaSeesAnotherReplicasPhaseChangeAfterItsNextReload() {
        CanaryStates one = new CanaryStates(new CanaryStateStore(database));
        CanaryStates two = new CanaryStates(new CanaryStateStore(database));
        one.reload();
        two.reload();

        one.set(new CanaryStateStore.Row("chat", "cand", "ROLLED_BACK", "error rate", T0, "palisade"));
        assertThat(one.phase("chat", "cand")).as("written through at once").isEqualTo(CanaryPhase.ROLLED_BACK);
        assertThat(two.phase("chat", "cand"))
                .as("the other replica's snapshot until it reloads")
                .isEqualTo(CanaryPhase.ACTIVE);
        two.reload();
        assertThat(two.phase("chat", "cand")).isEqualTo(CanaryPhase.ROLLED_BACK);
        assertThat(two.row("chat", "cand").changedBy()).isEqualTo("palisade");

        two.clear("chat", "cand");
        one.reload();
        assertThat(one.phase("chat", "cand")).as("resumed on the other replica").isEqualTo(CanaryPhase.ACTIVE);
        assertThat(one.row("chat", "cand")).isNull();
    }

    @Test
    void aPhaseThisVersionDoesNotKnowCountsAsActiveInsteadOfFailingEveryRequest() {
        CanaryStateStore store = new CanaryStateStore(database);
        store.set(new CanaryStateStore.Row(
                "chat", "cand", "PAUSED", "written by a newer version", T0, "ops@example.com"));
        store.set(new CanaryStateStore.Row("chat", "other", "PROMOTED", "eval passed", T0, "ops@example.com"));
        CanaryStates states = new CanaryStates(store);
        states.reload();
        assertThat(states.phase("chat", "cand")).isEqualTo(CanaryPhase.ACTIVE);
        assertThat(states.row("chat", "cand").phase())
                .as("the stored row is still shown as it is")
                .isEqualTo("PAUSED");
        assertThat(states.phase("chat", "other"))
                .as("the other rows still count")
                .isEqualTo(CanaryPhase.PROMOTED);
    }
}
