package io.palisade.routing;

/**
 * One try at a deployment, for the audit: which model and deployment, how it ended
 * ({@code "ok"} or an error code), and how long it took.
 */
public record AttemptRecord(
        String model, String deployment, String backend, String upstreamModel, String outcome, long millis) {}
