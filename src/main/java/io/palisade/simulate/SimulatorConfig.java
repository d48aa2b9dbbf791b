package io.palisade.simulate;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * Settings of a {@link Simulator}. Immutable and validated on construction: every invalid value
 * throws {@link IllegalArgumentException} naming the offending field.
 *
 * @param host address to bind
 * @param port port to bind, 0 for a random free port
 * @param models model names served, in listing order, e.g. {@code "llama3.2:1b"}
 * @param latency delay added before the first byte of every inference response
 * @param tokensPerSecond generation pace; 0 means instant
 * @param errorRate fraction (0..1) of inference requests answered with HTTP 500
 * @param disconnectRate fraction (0..1) of streaming requests whose connection is cut midway
 * @param seed seed of the failure dice and the default generation seed
 */
public record SimulatorConfig(
        String host,
        int port,
        List<String> models,
        Duration latency,
        double tokensPerSecond,
        double errorRate,
        double disconnectRate,
        long seed) {

    public SimulatorConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        models = validModels(models);
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive, was " + latency);
        }
        if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException(
                    "tokensPerSecond must be a finite number >= 0, was " + tokensPerSecond);
        }
        requireFraction("errorRate", errorRate);
        requireFraction("disconnectRate", disconnectRate);
    }

    /** 127.0.0.1:11434 (Ollama's port), three small models, no delays, no failures, seed 42. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(
                "127.0.0.1",
                11_434,
                List.of("llama3.2:1b", "qwen3:0.6b", "nomic-embed-text"),
                Duration.ZERO,
                0,
                0,
                0,
                42);
    }

    public SimulatorConfig withHost(String newHost) {
        return new SimulatorConfig(newHost, port, models, latency, tokensPerSecond, errorRate, disconnectRate, seed);
    }

    public SimulatorConfig withPort(int newPort) {
        return new SimulatorConfig(host, newPort, models, latency, tokensPerSecond, errorRate, disconnectRate, seed);
    }

    public SimulatorConfig withModels(List<String> newModels) {
        return new SimulatorConfig(host, port, newModels, latency, tokensPerSecond, errorRate, disconnectRate, seed);
    }

    public SimulatorConfig withLatency(Duration newLatency) {
        return new SimulatorConfig(host, port, models, newLatency, tokensPerSecond, errorRate, disconnectRate, seed);
    }

    public SimulatorConfig withTokensPerSecond(double newTokensPerSecond) {
        return new SimulatorConfig(host, port, models, latency, newTokensPerSecond, errorRate, disconnectRate, seed);
    }

    public SimulatorConfig withErrorRate(double newErrorRate) {
        return new SimulatorConfig(host, port, models, latency, tokensPerSecond, newErrorRate, disconnectRate, seed);
    }

    public SimulatorConfig withDisconnectRate(double newDisconnectRate) {
        return new SimulatorConfig(host, port, models, latency, tokensPerSecond, errorRate, newDisconnectRate, seed);
    }

    public SimulatorConfig withSeed(long newSeed) {
        return new SimulatorConfig(host, port, models, latency, tokensPerSecond, errorRate, disconnectRate, newSeed);
    }

    private static List<String> validModels(List<String> models) {
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("models must name at least one model");
        }
        var seen = new HashSet<String>();
        for (String model : models) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("models must not contain blank names");
            }
            if (!seen.add(model)) {
                throw new IllegalArgumentException("models contains " + model + " twice");
            }
        }
        return List.copyOf(models);
    }

    private static void requireFraction(String field, double value) {
        // Written as a negated range check so that NaN is rejected too.
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], was " + value);
        }
    }
}
