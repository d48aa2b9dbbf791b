package io.palisade.admission;

import io.palisade.auth.Caller;
import java.util.List;
import java.util.Map;

/**
 * What admission reserved for one request, to be settled exactly once when it ends.
 * {@code reservedPrompt}/{@code reservedOutput} are the worst case the claims were sized for.
 */
public record Ticket(String reservationId, Caller caller, String model, List<Claim> claims, long reservedAtMillis,
        long reservedPrompt, long reservedOutput, Map<String, String> headers) {
    public static Ticket none(Caller caller, String model, Map<String, String> headers) {
        return new Ticket(null, caller, model, List.of(), 0, 0, 0, headers);
    }
}
