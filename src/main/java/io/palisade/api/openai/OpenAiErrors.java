package io.palisade.api.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.PalisadeException;

/**
 * Renders Palisade's one exception type in OpenAI's error shape
 * {@code {"error":{"message","type","code","param"}}}, which OpenAI SDKs parse into their own
 * exception classes. The only place this shape is built.
 */
public final class OpenAiErrors {
    private OpenAiErrors() {}

    public static ObjectNode body(PalisadeException error) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode inner = body.putObject("error");
        inner.put("message", error.getMessage());
        inner.put("type", error.code().type().wireName());
        inner.put("code", error.code().code());
        if (error.param() == null) {
            inner.putNull("param");
        } else {
            inner.put("param", error.param());
        }
        return body;
    }
}
