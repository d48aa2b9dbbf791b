package io.palisade.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.palisade.config.ObservabilityConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How palisade.yaml's {@code tracing} keys and the standard OpenTelemetry settings ({@code OTEL_*}
 * variables, {@code otel.*} system properties) combine: a key set in palisade.yaml wins; the
 * OpenTelemetry settings fill everything else (headers, batching, timeouts, compression, resource
 * attributes, and endpoint, service name and sampler when the yaml leaves them unset); Palisade's
 * defaults come last. Stateless.
 */
final class TracingSettings {
    static final String ENDPOINT = "otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "otel.exporter.otlp.traces.endpoint";
    static final String DEFAULT_SERVICE_NAME = "palisade";
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private TracingSettings() {}

    /**
     * Lowest priority: used only where neither palisade.yaml nor an OpenTelemetry setting says
     * otherwise. The queue size and the delay keep what the hand-written exporter did before the SDK
     * (8192 spans; sent within a second), not the SDK's 2048 and 5 s.
     */
    static Map<String, String> defaults() {
        return Map.of(
                "otel.traces.sampler",
                "parentbased_traceidratio",
                "otel.traces.sampler.arg",
                "1.0",
                "otel.bsp.max.queue.size",
                "8192",
                "otel.bsp.schedule.delay",
                "1000");
    }

    /**
     * The resource with Palisade's default service name when nothing named one. Not a default
     * property: {@code otel.service.name}, even as a default, would beat a {@code service.name} in
     * {@code OTEL_RESOURCE_ATTRIBUTES}. The SDK names an unnamed service "unknown_service[:…]".
     */
    static Resource withDefaultServiceName(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME);
        if (name != null && !name.startsWith("unknown_service")) {
            return resource;
        }
        return resource.merge(Resource.create(Attributes.of(SERVICE_NAME, DEFAULT_SERVICE_NAME)));
    }

    /**
     * Highest priority: what palisade.yaml sets, and what Palisade fixes. Only traces leave the
     * process, over OTLP/HTTP with protobuf (the transport Palisade ships: the JDK HTTP sender, no
     * gRPC stack): Palisade's metrics are its Prometheus endpoint, so an {@code
     * OTEL_METRICS_EXPORTER} meant for other programs must not start a second metrics pipeline here.
     */
    static Map<String, String> overrides(ObservabilityConfig config) {
        Map<String, String> properties = new HashMap<>();
        properties.put("otel.traces.exporter", "otlp");
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");
        properties.put("otel.exporter.otlp.traces.protocol", "http/protobuf");
        properties.put("otel.metrics.exporter", "none");
        properties.put("otel.logs.exporter", "none");
        if (config.otlpEndpoint() != null) {
            // The yaml names the full traces URL (…/v1/traces), as the signal-specific variable does.
            properties.put(TRACES_ENDPOINT, config.otlpEndpoint().toString());
        }
        if (config.serviceName() != null) {
            properties.put("otel.service.name", config.serviceName());
        }
        if (config.traceSampleRatio() != null) {
            properties.put("otel.traces.sampler", "parentbased_traceidratio");
            properties.put("otel.traces.sampler.arg", Double.toString(config.traceSampleRatio()));
        }
        return properties;
    }

    /**
     * Tracing is on when palisade.yaml or an OpenTelemetry setting names a collector, and the
     * OpenTelemetry settings do not disable the SDK. {@code systemProperties} and {@code environment}
     * look a name up (System::getProperty, System::getenv); a system property beats the variable.
     */
    static boolean enabled(
            ObservabilityConfig config, UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        if ("true".equalsIgnoreCase(setting("otel.sdk.disabled", systemProperties, environment))) {
            return false;
        }
        return config.otlpEndpoint() != null
                || setting(TRACES_ENDPOINT, systemProperties, environment) != null
                || setting(ENDPOINT, systemProperties, environment) != null;
    }

    private static String setting(
            String property, UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        String value = systemProperties.apply(property);
        if (value == null || value.isBlank()) {
            value = environment.apply(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? null : value;
    }
}
