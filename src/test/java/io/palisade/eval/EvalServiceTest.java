package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.store.Database;
import io.palisade.store.EvalStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalServiceTest {
    @Test
    void runsLeftRunningByAStoppedGatewayBecomeErrorsAtStart(@TempDir Path dir) {
        EvalStore store = new EvalStore(Database.open("sqlite:" + dir.resolve("e.db")));
        store.insert(new EvalStore.RunRow(
                "eval_old",
                "2026-11-23T00:00:00Z",
                null,
                "running",
                "g",
                "j",
                "default",
                "sha256:x",
                "{}",
                null,
                "cli:ops"));
        store.insert(new EvalStore.RunRow(
                "eval_done",
                "2026-11-23T00:00:01Z",
                "2026-11-23T00:01:00Z",
                "pass",
                "g",
                "j",
                "default",
                "sha256:x",
                "{}",
                "{\"status\":\"pass\"}",
                null));
        EvalService service = new EvalService(store, new ObjectMapper(), Clock.systemUTC(), (id, request) -> {
            throw new AssertionError("no run is started");
        });
        service.abandonInterruptedRuns();
        assertThat(store.run("eval_old").orElseThrow().status()).isEqualTo("error");
        assertThat(store.run("eval_old").orElseThrow().summary()).contains("stopped while this run was in progress");
        assertThat(store.run("eval_done").orElseThrow().status()).isEqualTo("pass");
    }
}
