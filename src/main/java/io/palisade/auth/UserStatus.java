package io.palisade.auth;

import java.util.Locale;

/** A user's lifecycle: created pending (or active by an admin), approved, disabled. */
public enum UserStatus {
    PENDING,
    ACTIVE,
    DISABLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserStatus parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
