package io.palisade.routing;

import java.util.List;

/** Asks a backend which models it serves. Implementations may block on I/O; they throw on failure. */
public interface ModelDiscovery {
    List<String> listModels(String backend) throws Exception;
}
