package io.palisade.auth;

import java.time.Instant;

/** A person or a service identity that owns keys. {@code teamId} may be null. */
public record User(String id, String email, String name, String teamId, UserStatus status, boolean admin,
        Instant createdAt, long auditExportedSeq) {}
