package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ollama's {@code keep_alive}: how long a model stays loaded after a request. Accepts what Ollama
 * accepts: a number of seconds, a numeric string, or a Go duration such as {@code "5m"} or
 * {@code "1h30m"}. Zero unloads right after the request; a negative value keeps the model forever.
 */
final class KeepAlive {
    static final Duration DEFAULT = Duration.ofMinutes(5);
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private KeepAlive() {}

    static Duration parse(JsonNode value) {
        if (value == null || value.isNull()) {
            return DEFAULT;
        }
        if (value.isNumber()) {
            return seconds(value.decimalValue());
        }
        if (!value.isTextual()) {
            throw invalid(value.toString());
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            return DEFAULT;
        }
        try {
            return seconds(new BigDecimal(text));
        } catch (NumberFormatException notANumber) {
            return goDuration(text);
        }
    }

    private static Duration seconds(BigDecimal seconds) {
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    private static Duration goDuration(String text) {
        boolean negative = text.startsWith("-");
        String rest = negative || text.startsWith("+") ? text.substring(1) : text;
        Matcher part = GO_DURATION_PART.matcher(rest);
        Duration total = Duration.ZERO;
        int position = 0;
        while (part.find() && part.start() == position) {
            var amount = new BigDecimal(part.group(1).startsWith(".") ? "0" + part.group(1) : part.group(1));
            long nanosPerUnit = switch (part.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            total = total.plusNanos(
                    amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
            position = part.end();
        }
        if (position == 0 || position != rest.length()) {
            throw invalid(text);
        }
        return negative ? total.negated() : total;
    }

    private static ApiError invalid(String text) {
        return ApiError.badRequest("time: invalid duration \"" + text + "\"", "keep_alive");
    }
}
