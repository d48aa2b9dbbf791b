package io.palisade.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A checkpoint: the chain's record {@code seq} had hash {@code hash} at time {@code at}. Since a
 * record's hash covers the one before it, a checkpoint pins every record up to {@code seq}.
 * Written as one JSON line ({@link #toLine()}); {@code mac} is the hex HMAC-SHA256 of
 * {@link #signedText()} under the checkpoint key, or null when unsigned. Immutable.
 */
public record Checkpoint(long seq, String hash, Instant at, String mac) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX_256 = Pattern.compile("[0-9a-f]{64}");

    /** Thrown by {@link #parse} for a line that is not a well-formed checkpoint; the message is fit for output. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * The exact text the signature covers. Versioned and newline-separated so no two checkpoints
     * share it, and independent of how the JSON line happens to be formatted.
     */
    public String signedText() {
        return "palisade-audit-checkpoint-v1\n" + seq + "\n" + hash + "\n" + at;
    }

    public Checkpoint signed(String signature) {
        return new Checkpoint(seq, hash, at, signature);
    }

    /** One line of JSON, without the newline: {@code {"seq":…,"hash":"…","at":"…","mac":"…"}}. */
    public String toLine() {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", seq);
        node.put("hash", hash);
        node.put("at", at.toString());
        if (mac != null) {
            node.put("mac", mac);
        }
        return node.toString();
    }

    /** Parses what {@link #toLine()} wrote; anything else is {@link MalformedException}. */
    public static Checkpoint parse(String line) throws MalformedException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new MalformedException("not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedException("not a JSON object");
        }
        JsonNode seq = node.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 1) {
            throw new MalformedException("\"seq\" is not a record number");
        }
        String hash = node.path("hash").asText("");
        if (!HEX_256.matcher(hash).matches()) {
            throw new MalformedException("\"hash\" is not a SHA-256 in hex");
        }
        Instant at;
        try {
            at = Instant.parse(node.path("at").asText(""));
        } catch (DateTimeParseException e) {
            throw new MalformedException("\"at\" is not an ISO-8601 instant");
        }
        JsonNode mac = node.get("mac");
        if (mac != null && !(mac.isTextual() && HEX_256.matcher(mac.asText()).matches())) {
            throw new MalformedException("\"mac\" is not an HMAC-SHA256 in hex");
        }
        return new Checkpoint(seq.asLong(), hash, at, mac == null ? null : mac.asText());
    }
}
