package io.palisade.auth;

import java.time.Instant;

/** A person or a service identity that owns keys. {@code teamId} may be null. */
public record User(
        String id,
        String email,
        String name,
        String teamId,
        UserStatus status,
        boolean admin,
        Instant createdAt,
        long auditExportedSeq) {
    /** The identity Palisade's own evaluation runs use (it may address one deployment, e.g. a canary). */
    public static final String EVALUATOR_EMAIL = "eval@palisade.local";

    public boolean evaluator() {
        return EVALUATOR_EMAIL.equals(email);
    }
}
