package io.palisade.cli;

import net.logstash.logback.encoder.LogstashEncoder;

/**
 * {@code logging.format: json}: one JSON object per line that Loki, Elasticsearch and Datadog ingest
 * without a parser: {@code @timestamp} in ISO-8601 UTC, {@code level}, {@code logger_name},
 * {@code thread_name}, {@code message} with its arguments filled in, the key-value pairs of SLF4J's
 * fluent API and the MDC as top-level fields (numbers stay numbers), and {@code stack_trace} as one
 * string. Control characters are escaped by the JSON writer, so one event is always one line.
 *
 * <p>It is logstash-logback-encoder's encoder with two choices made (UTC, no logstash
 * {@code @version} field); an operator's own {@code logback.xml} can name this class too.
 */
public final class JsonLineEncoder extends LogstashEncoder {
    public JsonLineEncoder() {
        setTimeZone("UTC");
        setIncludeKeyValuePairs(true);
        setIncludeMdc(true);
        getFieldNames().setVersion("[ignore]");
    }
}
