package io.palisade.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a request body as a JSON object, enforcing the content type (415) and the size limit
 * (413) before parsing (400), without ever holding more than the limit in memory.
 * Thread-safe.
 */
public final class JsonBodyReader {
    /** Context attribute holding the size in bytes of the body just read (an Integer). */
    public static final String BODY_BYTES = "palisade.body-bytes";
    /** Bodies up to this size are read into an array of their declared size; larger ones as they arrive. */
    static final int PREALLOCATED_BYTES = 64 * 1024;

    private final ObjectMapper json;
    private final long maxBytes;

    public JsonBodyReader(ObjectMapper json, long maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    public ObjectNode read(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
            throw new PalisadeException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "the request body must be JSON, sent with 'Content-Type: application/json'"
                            + (contentType == null ? "" : " (got '" + sanitize(contentType) + "')"));
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = declared >= 0
                    ? readDeclared(in, (int) declared)
                    : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            if (cutForSlowness(e)) {
                throw new PalisadeException(
                        ErrorCode.REQUEST_TIMEOUT,
                        "the request body did not arrive within the server's body read timeout");
            }
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "the request body could not be read completely");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        ctx.attribute(BODY_BYTES, bytes.length);
        if (bytes.length == 0) {
            throw new PalisadeException(ErrorCode.INVALID_JSON, "the request body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new PalisadeException(
                    ErrorCode.INVALID_JSON,
                    "the request body is not valid JSON: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new PalisadeException(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new PalisadeException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
        }
        return object;
    }

    /**
     * Reads a body whose length was declared (and is within the limit). Up to
     * {@link #PREALLOCATED_BYTES} it goes into an array of exactly that size (no copy: the common
     * case); a longer one is read as it arrives, so a caller who declares megabytes and sends
     * nothing makes the gateway hold only what it sent. A body longer than declared is cut at the
     * declared length by the server already.
     */
    private static byte[] readDeclared(InputStream in, int declared) throws IOException {
        if (declared > PREALLOCATED_BYTES) {
            return in.readNBytes(declared);
        }
        byte[] bytes = new byte[declared];
        int read = in.readNBytes(bytes, 0, declared);
        return read == declared ? bytes : Arrays.copyOf(bytes, read);
    }

    /**
     * The top-level {@code "model"} of a JSON body, looked for in at most its first {@code limit}
     * bytes with a streaming parser (no tree is built); null when the body is not JSON, is cut
     * before the field, or names no model as a string. For refusals only: the body is consumed.
     */
    public String peekModel(Context ctx, int limit) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
            return null;
        }
        try (InputStream in = ctx.req().getInputStream();
                JsonParser parser = json.getFactory().createParser(in.readNBytes(limit))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("model")) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException unreadable) {
            return null; // a cut, slow or malformed body only leaves the model unknown
        }
    }

    /** The connection was closed by {@link ConnectionGuard}'s body deadline (the read failure carries its reason). */
    private static boolean cutForSlowness(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestReadTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private PalisadeException tooLarge() {
        return new PalisadeException(
                ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than the limit of " + maxBytes + " bytes");
    }

    private static String sanitize(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
