/**
 * {@code palisade simulate}: a deterministic stand-in for a model server. <strong>This is a test
 * double for backends</strong> (Ollama, vLLM, llama.cpp), used by the gateway's integration tests,
 * demos and benchmarks. It runs no model; it produces made-up text whose content, length and token
 * counts are a pure function of the request, so tests can assert exact results.
 *
 * <p>It speaks the real wire protocols: the Ollama native API ({@code /api/*}) and the
 * OpenAI-compatible API ({@code /v1/*}) as vLLM and llama.cpp serve it, including NDJSON and SSE
 * streaming. It can also misbehave on purpose: latency, token pacing, injected HTTP errors, garbage
 * bodies and connections cut mid-stream, either by seeded rates or per request through the
 * {@code x-simulate-fail} and {@code x-simulate-latency-ms} headers.
 *
 * <p>For evaluation tests it can also play a generator that knows a golden set's answers, right
 * with a configured accuracy ({@link io.palisade.simulate.KnownAnswer}), and a judge that grades
 * answers, leniently, harshly or with malformed output on purpose
 * ({@link io.palisade.simulate.JudgeMode}).
 *
 * <p>The entry points are {@link io.palisade.simulate.Simulator} and
 * {@link io.palisade.simulate.SimulatorConfig}, with {@link io.palisade.simulate.KnownAnswer},
 * {@link io.palisade.simulate.JudgeMode} and, for the command line,
 * {@link io.palisade.simulate.EvaluationDoubleOptions}; everything else is package-private.
 */
package io.palisade.simulate;
