package io.palisade.admin;

import io.palisade.audit.AuditErasure;
import io.palisade.auth.User;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to be forgotten (docs/security.md, "Erasing a user"): under the same conditions as a
 * deletion (audit exported first, or forced), blanks the user's personal data in their audit
 * records (store and archive), deletes the user and their keys, replaces their email in the usage
 * records with their id, and, on SQLite, rewrites the store file so the erased bytes are gone
 * from it. Every step may be repeated: an erasure that failed half-way is finished by running it
 * again. Thread-safe (erasures run one at a time).
 */
public final class UserErasure {
    private static final Logger LOG = LoggerFactory.getLogger(UserErasure.class);

    private final IdentityAdmin identities;
    private final AuditErasure audit;
    private final Runnable writeQueuedUsage;
    private final Clock clock;

    /**
     * @param writeQueuedUsage writes the usage rows queued but not yet stored (they carry the
     *     caller's email, and the usage writer stores them up to a gathering interval later)
     */
    public UserErasure(IdentityAdmin identities, AuditErasure audit, Runnable writeQueuedUsage, Clock clock) {
        this.identities = identities;
        this.audit = audit;
        this.writeQueuedUsage = writeQueuedUsage;
        this.clock = clock;
    }

    /**
     * What an erasure did. {@code scrubbed}: the store file no longer holds the erased bytes
     * (false on PostgreSQL, see docs/security.md, and when SQLite's log could not be emptied).
     */
    public record Report(String userId, AuditErasure.Result audit, boolean scrubbed) {}

    public synchronized Report erase(String idOrEmail, boolean force) {
        User user = identities.erasable(idOrEmail, force);
        String at = clock.instant().toString();
        // The audit first, the user last: until the user is gone, a failed erasure can be run again by email.
        AuditErasure.Result erased;
        try {
            erased = audit.eraseUser(user.id(), user.email(), at);
        } catch (IOException e) {
            LOG.error("erasing user {} from the audit archive failed: {}", user.id(), e.toString());
            throw new PalisadeException(
                    ErrorCode.INTERNAL,
                    "the audit archive could not be rewritten; nothing of the user was deleted yet, try again");
        }
        identities.eraseUser(user.id());
        // Usage rows of the user's last requests may still be queued (written a gathering interval
        // later, with the email): store them, then replace the email in them too.
        writeQueuedUsage.run();
        identities.eraseUser(user.id());
        // Rows of requests that were in flight until the keys went.
        try {
            erased = new AuditErasure.Result(
                    erased.records()
                            + audit.eraseUser(user.id(), user.email(), at).records(),
                    erased.legacyRecords(),
                    erased.archiveSegments());
        } catch (IOException e) {
            LOG.error("erasing user {} from the audit archive failed: {}", user.id(), e.toString());
        }
        boolean scrubbed = audit.scrubStore();
        LOG.info(
                "erased user {}: {} audit records blanked, {} older records kept, {} archive segments rewritten",
                user.id(),
                erased.records(),
                erased.legacyRecords(),
                erased.archiveSegments());
        return new Report(user.id(), erased, scrubbed);
    }
}
