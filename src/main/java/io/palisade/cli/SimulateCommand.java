package io.palisade.cli;

import io.palisade.simulate.EvaluationDoubleOptions;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code palisade simulate}: a deterministic stand-in for a model server, speaking Ollama's and
 * OpenAI's wire protocols. A test double for backends — for tests, demos and benchmarks only.
 */
@Command(
        name = "simulate",
        description = "Run a deterministic fake model server (Ollama + OpenAI APIs) for tests and demos.")
final class SimulateCommand implements Callable<Integer> {
    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "11434", description = "Port (default: ${DEFAULT-VALUE}, Ollama's).")
    int port;

    @Option(
            names = "--models",
            split = ",",
            description = "Model names to serve (default: llama3.2:1b,qwen3:0.6b,nomic-embed-text).")
    List<String> models;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Delay before the first byte, in ms.")
    long latencyMillis;

    @Option(
            names = "--tokens-per-second",
            defaultValue = "0",
            description = "Streaming speed; 0 = as fast as possible.")
    double tokensPerSecond;

    @Option(
            names = "--error-rate",
            defaultValue = "0",
            description = "Fraction (0..1) of requests answered with HTTP 500.")
    double errorRate;

    @Option(names = "--disconnect-rate", defaultValue = "0", description = "Fraction (0..1) of streams cut midway.")
    double disconnectRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the injected failures.")
    long seed;

    @Option(
            names = "--knowledge",
            paramLabel = "FILE",
            description =
                    "Golden-set JSONL (question, reference per line) whose questions the models answer, right with their --accuracy.")
    Path knowledgeFile;

    @Option(
            names = "--accuracy",
            paramLabel = "MODEL=FRACTION",
            description = "Share (0..1) of --knowledge questions MODEL answers right (default 1). Repeatable.")
    List<String> accuracies;

    @Option(
            names = "--judge",
            paramLabel = "MODEL=MODE",
            description =
                    "Make MODEL a judge: strict, lenient, harsh, malformed-first or malformed-always. Repeatable.")
    List<String> judges;

    @Override
    public Integer call() throws InterruptedException {
        SimulatorConfig config;
        try {
            config = SimulatorConfig.defaults()
                    .withHost(host)
                    .withPort(port)
                    .withLatency(Duration.ofMillis(latencyMillis))
                    .withTokensPerSecond(tokensPerSecond)
                    .withErrorRate(errorRate)
                    .withDisconnectRate(disconnectRate)
                    .withSeed(seed);
            if (models != null && !models.isEmpty()) {
                config = config.withModels(models);
            }
            // After the models, so that the doubles can be checked against the models served.
            config = EvaluationDoubleOptions.parse(knowledgeFile, accuracies, judges)
                    .applyTo(config);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
        }
        Simulator simulator = new Simulator(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            simulator.close();
                            stopped.countDown();
                        },
                        "simulate-shutdown"));
        System.out.println("palisade simulate (a test double, not a model) is serving " + config.models() + " on "
                + simulator.baseUrl());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
