package io.palisade.admin;

import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.eval.EvalRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The evaluator's own identity: the user {@value #EMAIL} and, per run, a key that may call only
 * that run's generator and judge and expires after a day. So an evaluation is authenticated,
 * limited and audited like any caller, and shows up under its own name.
 */
public final class EvalIdentity {
    static final String EMAIL = User.EVALUATOR_EMAIL;
    private static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private final IdentityAdmin identities;
    private final Clock clock;

    public EvalIdentity(IdentityAdmin identities, Clock clock) {
        this.identities = identities;
        this.clock = clock;
    }

    /** A fresh key for one run. */
    public String keyFor(String runId, EvalRequest request) {
        User user = identities.users().stream()
                .filter(u -> u.email().equals(EMAIL))
                .findFirst()
                .orElseGet(() -> identities.createUser(EMAIL, "Evaluation runner", null, UserStatus.ACTIVE, false));
        return identities
                .createKey(
                        user.id(),
                        null,
                        List.of(request.generator(), request.judge()),
                        0,
                        clock.instant().plus(KEY_LIFETIME),
                        "eval " + runId,
                        false,
                        null,
                        List.of())
                .token();
    }
}
