package io.palisade.admin;

import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.config.ConfigException;
import io.palisade.config.Secret;
import java.util.List;
import java.util.Optional;

/**
 * Makes sure a fresh store can be administered. With {@code admin.key} / PALISADE_ADMIN_KEY set,
 * that key is registered (hash only) as an admin key if it is not already. Without it, the first
 * start on an empty store creates an administrator and a key, and hands the key back exactly
 * once for printing; later starts create nothing.
 */
public final class AdminBootstrap {
    static final String ADMIN_EMAIL = "admin@palisade.local";
    private static final int MIN_CONFIGURED_KEY_LENGTH = 24;

    private final IdentityAdmin identities;

    public AdminBootstrap(IdentityAdmin identities) {
        this.identities = identities;
    }

    /** Returns the generated admin key when one was just created, to be shown once. */
    public Optional<String> ensureAdmin(Secret configuredKey) {
        if (configuredKey.isPresent()) {
            if (configuredKey.reveal().length() < MIN_CONFIGURED_KEY_LENGTH) {
                throw new ConfigException("admin.key (" + configuredKey.source() + "): must be at least "
                        + MIN_CONFIGURED_KEY_LENGTH + " characters; use a long random value");
            }
            if (!identities.keyExists(configuredKey.reveal())) {
                identities.createKey(
                        adminUser().id(),
                        null,
                        List.of(),
                        null,
                        null,
                        "bootstrap (" + configuredKey.source() + ")",
                        true,
                        configuredKey.reveal(),
                        List.of());
            }
            return Optional.empty();
        }
        if (identities.hasAdmin()) {
            return Optional.empty();
        }
        return Optional.of(identities
                .createKey(adminUser().id(), null, List.of(), null, null, "bootstrap", true, null, List.of())
                .token());
    }

    private User adminUser() {
        return identities.users().stream()
                .filter(u -> u.admin() && u.status() == UserStatus.ACTIVE)
                .findFirst()
                .orElseGet(() -> identities.createUser(ADMIN_EMAIL, "Administrator", null, UserStatus.ACTIVE, true));
    }
}
