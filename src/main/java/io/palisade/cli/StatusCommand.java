package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code palisade status}: is the gateway ready, and does every backend answer its probe right now. */
@Command(name = "status", description = "Show readiness and probe every backend now (exit 1 when not ready).")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        AdminClient client = server.client();
        JsonNode backends = client.get("/admin/backends", Map.of());
        boolean anyUp = false;
        for (JsonNode backend : backends.path("data")) {
            anyUp |= backend.path("reachable").asBoolean();
        }
        TablePrinter.print(
                backends, server.json, System.out, "name", "kind", "url", "reachable", "models", "probe_ms", "error");
        System.out.println(anyUp ? "ready: at least one backend answers" : "NOT READY: no backend answers");
        return anyUp ? 0 : PalisadeCommand.EXIT_FAILURE;
    }
}
