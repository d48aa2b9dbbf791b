package io.palisade.auth;

import java.time.Instant;
import java.util.List;

/** A group of users whose keys share the team's model grants. */
public record Team(String id, String name, List<String> allowedModels, Instant createdAt) {
    public Team {
        allowedModels = List.copyOf(allowedModels);
    }
}
