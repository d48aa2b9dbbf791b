package io.palisade.upstream.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the translator tests share: JSON from text, and the shape of a 400 naming a field. */
final class TranslatorFixtures {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private TranslatorFixtures() {}

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static void assertInvalid(ThrowingCallable call, String param) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PalisadeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.param()).isEqualTo(param);
        });
    }
}
