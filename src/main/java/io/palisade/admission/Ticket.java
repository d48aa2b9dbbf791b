package io.palisade.admission;

import io.palisade.auth.Caller;
import java.util.List;
import java.util.Map;

/**
 * What admission reserved for one request, to be settled exactly once when it ends.
 * {@code reservedPrompt}/{@code reservedOutput}/{@code reservedCostMicros} are the worst case the
 * claims were sized for (what a request is charged if its process dies before settling it).
 */
public record Ticket(
        String reservationId,
        Caller caller,
        String model,
        List<Claim> claims,
        long reservedAtMillis,
        long reservedPrompt,
        long reservedOutput,
        long reservedCostMicros,
        Map<String, String> headers) {
    public static Ticket none(Caller caller, String model, Map<String, String> headers) {
        return new Ticket(null, caller, model, List.of(), 0, 0, 0, 0, headers);
    }
}
