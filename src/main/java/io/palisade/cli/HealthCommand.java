package io.palisade.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A health probe for places with no curl: the OCI image (built from scratch) runs it as its
 * Docker HEALTHCHECK. Exit 0 when the URL answers 2xx within the timeout, else 1 with one line
 * saying why: the exit codes Docker's health check expects.
 */
@Command(name = "health", description = "Probe a health endpoint: exit 0 when it answers 2xx, else 1.")
final class HealthCommand implements Callable<Integer> {
    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:4000/health/live",
            description = "Endpoint to probe (default: ${DEFAULT-VALUE}; /health/ready for readiness).")
    URI url;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "5",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (timeoutSeconds < 1) {
            throw new CliException("--timeout-seconds must be at least 1", PalisadeCommand.EXIT_USAGE);
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new CliException("--url must be an http(s) URL, not " + url, PalisadeCommand.EXIT_USAGE);
        }
        int status;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build()) {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new CliException(
                    "unhealthy: " + url + " did not answer (" + e.getClass().getSimpleName() + ")",
                    PalisadeCommand.EXIT_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", PalisadeCommand.EXIT_FAILURE);
        }
        if (status / 100 != 2) {
            throw new CliException("unhealthy: " + url + " answered " + status, PalisadeCommand.EXIT_FAILURE);
        }
        spec.commandLine().getOut().println("healthy: " + url + " answered " + status);
        return 0;
    }
}
