package io.palisade.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON answers and dialect-shaped errors. Thread-safe. */
final class JsonReplies {
    static final String JSON = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(JsonReplies.class);

    private final ObjectMapper mapper;

    JsonReplies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A new empty JSON object; Jackson keeps fields in insertion order. */
    ObjectNode object() {
        return mapper.createObjectNode();
    }

    ArrayNode array() {
        return mapper.createArrayNode();
    }

    void json(Context ctx, JsonNode body) {
        ctx.status(200).contentType(JSON).result(serialize(body));
    }

    void error(Context ctx, Dialect dialect, ApiError error) {
        if (error.status() == 429) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(error.status()).contentType(JSON).result(serialize(dialect.errorBody(error)));
    }

    String serialize(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Wraps a handler so that an {@link ApiError} becomes the dialect's error response, and a client
     * that went away mid-stream is not reported as a server failure.
     */
    Handler guard(Dialect dialect, Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (ApiError error) {
                if (ctx.res().isCommitted()) {
                    ResponseStream.abortConnection(ctx);
                } else {
                    error(ctx, dialect, error);
                }
            } catch (IOException clientGone) {
                LOG.debug("client went away during {} {}: {}", ctx.method(), ctx.path(), clientGone.toString());
            }
        };
    }
}
