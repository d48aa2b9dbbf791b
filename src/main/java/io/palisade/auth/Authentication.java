package io.palisade.auth;

import io.palisade.error.ErrorCode;

/**
 * The outcome of checking a presented credential. Exactly one of three shapes:
 * <ul>
 *   <li>accepted: {@code caller} set, {@code failure} null;</li>
 *   <li>refused but attributable (revoked or expired key, disabled user): both set, so the denial
 *       is recorded against that user and key;</li>
 *   <li>unidentified (no key, unknown key, wrong secret): {@code caller} null, {@code fingerprint}
 *       set to a non-secret digest of what was presented (null when nothing was).</li>
 * </ul>
 */
public record Authentication(Caller caller, ErrorCode failure, String fingerprint) {
    public static Authentication accepted(Caller caller) {
        return new Authentication(caller, null, null);
    }

    public boolean isAccepted() {
        return failure == null;
    }
}
