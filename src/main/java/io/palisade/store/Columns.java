package io.palisade.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;

/** How Palisade's values sit in store columns (both dialects): instants as ISO-8601 text, lists as JSON text. */
public final class Columns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private Columns() {}

    public static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    public static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    public static String list(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode a list", e);
        }
    }

    public static List<String> list(String json) {
        try {
            return json == null ? List.of() : JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored list is not valid JSON: " + json, e);
        }
    }
}
