package io.palisade.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Embeddings in both dialects: Ollama's {@code POST /api/embed} (and the legacy
 * {@code POST /api/embeddings}) and OpenAI's {@code POST /v1/embeddings}, including
 * {@code dimensions} and OpenAI's {@code encoding_format: "base64"}. Thread-safe.
 */
final class EmbeddingEndpoints {
    private final ObjectMapper mapper;
    private final JsonReplies replies;
    private final ResponseGate gate;
    private final ModelCatalog catalog;
    private final LoadedModels loadedModels;
    private final EmbeddingGenerator embeddings;
    private final SimulatedTokenizer tokenizer;

    EmbeddingEndpoints(
            ObjectMapper mapper,
            JsonReplies replies,
            ResponseGate gate,
            ModelCatalog catalog,
            LoadedModels loadedModels,
            EmbeddingGenerator embeddings,
            SimulatedTokenizer tokenizer) {
        this.mapper = mapper;
        this.replies = replies;
        this.gate = gate;
        this.catalog = catalog;
        this.loadedModels = loadedModels;
        this.embeddings = embeddings;
        this.tokenizer = tokenizer;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/embed", replies.guard(Dialect.OLLAMA, this::ollamaEmbed));
        routes.post("/api/embeddings", replies.guard(Dialect.OLLAMA, this::ollamaLegacyEmbeddings));
        routes.post("/v1/embeddings", replies.guard(Dialect.OPENAI, this::openAiEmbeddings));
    }

    private void ollamaEmbed(Context ctx) {
        long startedNanos = System.nanoTime();
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OLLAMA);
        ModelDescriptor model = model(body, Dialect.OLLAMA, "model is required");
        List<String> inputs = body.stringOrStrings("input");
        int dimensions = dimensions(body);
        Duration keepAlive = KeepAlive.parse(body.get("keep_alive"));
        if (gate.admitInference(ctx, Dialect.OLLAMA, false) == ResponseGate.Admission.HANDLED) {
            return;
        }
        long loadStarted = System.nanoTime();
        loadedModels.touch(model, keepAlive);
        long loadNanos = System.nanoTime() - loadStarted;
        ObjectNode answer = replies.object().put("model", body.text("model", ""));
        ArrayNode vectors = answer.putArray("embeddings");
        for (String input : inputs) {
            vectors.add(floats(embeddings.embed(model.name(), input, dimensions)));
        }
        if (keepAlive.isZero()) {
            loadedModels.unload(model);
        }
        answer.put("total_duration", Math.max(1, System.nanoTime() - startedNanos))
                .put("load_duration", Math.max(1, loadNanos))
                .put("prompt_eval_count", tokens(inputs));
        replies.json(ctx, answer);
    }

    private void ollamaLegacyEmbeddings(Context ctx) {
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OLLAMA);
        ModelDescriptor model = model(body, Dialect.OLLAMA, "model is required");
        String prompt = body.text("prompt", "");
        Duration keepAlive = KeepAlive.parse(body.get("keep_alive"));
        if (gate.admitInference(ctx, Dialect.OLLAMA, false) == ResponseGate.Admission.HANDLED) {
            return;
        }
        loadedModels.touch(model, keepAlive);
        ObjectNode answer = replies.object();
        // Like Ollama, an empty prompt yields an empty vector rather than an error.
        answer.set(
                "embedding",
                prompt.isEmpty()
                        ? replies.array()
                        : floats(embeddings.embed(model.name(), prompt, EmbeddingGenerator.DEFAULT_DIMENSIONS)));
        if (keepAlive.isZero()) {
            loadedModels.unload(model);
        }
        replies.json(ctx, answer);
    }

    private void openAiEmbeddings(Context ctx) {
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OPENAI);
        ModelDescriptor model = model(body, Dialect.OPENAI, "you must provide a model parameter");
        List<String> inputs = body.stringOrStrings("input");
        if (inputs.isEmpty()) {
            throw ApiError.badRequest("'input' must be a string or a non-empty array of strings", "input");
        }
        int dimensions = dimensions(body);
        String encoding = body.text("encoding_format", "float");
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw ApiError.badRequest("'encoding_format' must be float or base64", "encoding_format");
        }
        if (gate.admitInference(ctx, Dialect.OPENAI, false) == ResponseGate.Admission.HANDLED) {
            return;
        }
        loadedModels.touch(model, KeepAlive.DEFAULT);
        ObjectNode answer = replies.object().put("object", "list");
        ArrayNode data = answer.putArray("data");
        for (int index = 0; index < inputs.size(); index++) {
            float[] vector = embeddings.embed(model.name(), inputs.get(index), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", index);
            if (encoding.equals("base64")) {
                item.put("embedding", base64(vector));
            } else {
                item.set("embedding", floats(vector));
            }
        }
        int tokens = tokens(inputs);
        answer.put("model", body.text("model", ""));
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        replies.json(ctx, answer);
    }

    private ModelDescriptor model(RequestBody body, Dialect dialect, String messageWhenMissing) {
        String requested = body.requiredText("model", messageWhenMissing);
        return catalog.find(requested).orElseThrow(() -> dialect.modelNotFound(requested));
    }

    private static int dimensions(RequestBody body) {
        long dimensions = body.integer("dimensions", EmbeddingGenerator.DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > EmbeddingGenerator.MAX_DIMENSIONS) {
            throw ApiError.badRequest(
                    "'dimensions' must be between 1 and " + EmbeddingGenerator.MAX_DIMENSIONS, "dimensions");
        }
        return (int) dimensions;
    }

    private int tokens(List<String> inputs) {
        return inputs.stream().mapToInt(tokenizer::count).sum();
    }

    private ArrayNode floats(float[] vector) {
        ArrayNode array = replies.array();
        for (float value : vector) {
            array.add(value);
        }
        return array;
    }

    /** OpenAI's base64 encoding: the little-endian float32 bytes of the vector. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
