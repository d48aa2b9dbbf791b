package io.palisade.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@link Limits} as JSON, the same shape in the admin API and in the store:
 * <pre>{"requests_per_minute": 60, "tokens_per_minute": 20000, "max_concurrent": 4,
 *  "max_prompt_tokens": 8000, "max_output_tokens": 2048, "max_body_bytes": 1048576,
 *  "budgets": [{"period": "day", "tokens": 500000}, {"period": "month", "cost": 25.0}],
 *  "models": {"llama*": {"tokens_per_minute": 5000}}}</pre>
 * Parsing validates and names the offending field (400). Thread-safe.
 */
public final class LimitsCodec {
    private static final Set<String> FIELDS = Set.of(
            "requests_per_minute",
            "tokens_per_minute",
            "max_concurrent",
            "max_prompt_tokens",
            "max_output_tokens",
            "max_body_bytes",
            "budgets",
            "models");

    private final ObjectMapper json;

    public LimitsCodec(ObjectMapper json) {
        this.json = json;
    }

    public Limits parse(JsonNode node) {
        return parse(node, "limits", true);
    }

    /** Stored JSON (already validated when it was written); null or empty means no limits. */
    public Limits parseStored(String text) {
        if (text == null || text.isBlank()) {
            return Limits.NONE;
        }
        try {
            return parse(json.readTree(text), "limits", true);
        } catch (IOException e) {
            throw new IllegalStateException("stored limits are not valid JSON: " + text, e);
        }
    }

    public ObjectNode write(Limits limits) {
        ObjectNode node = json.createObjectNode();
        putIfSet(node, "requests_per_minute", limits.requestsPerMinute());
        putIfSet(node, "tokens_per_minute", limits.tokensPerMinute());
        putIfSet(node, "max_concurrent", limits.maxConcurrent());
        putIfSet(node, "max_prompt_tokens", limits.maxPromptTokens());
        putIfSet(node, "max_output_tokens", limits.maxOutputTokens());
        putIfSet(node, "max_body_bytes", limits.maxBodyBytes());
        if (!limits.budgets().isEmpty()) {
            ArrayNode budgets = node.putArray("budgets");
            for (Budget budget : limits.budgets()) {
                ObjectNode item = budgets.addObject();
                item.put("period", budget.period().name().toLowerCase(Locale.ROOT));
                if (budget.tokens() != null) {
                    item.put("tokens", budget.tokens());
                }
                if (budget.cost() != null) {
                    item.put("cost", budget.cost());
                }
            }
        }
        if (!limits.models().isEmpty()) {
            ObjectNode models = node.putObject("models");
            limits.models().forEach((pattern, modelLimits) -> models.set(pattern, write(modelLimits)));
        }
        return node;
    }

    private Limits parse(JsonNode node, String at, boolean allowModels) {
        if (node == null || node.isNull()) {
            return Limits.NONE;
        }
        if (!node.isObject()) {
            throw invalid("'" + at + "' must be an object", at);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(
                        "unknown limit '" + name + "' (known: "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")",
                        at + "." + name);
            }
        }
        List<Budget> budgets = new ArrayList<>();
        JsonNode budgetNodes = node.get("budgets");
        if (budgetNodes != null && !budgetNodes.isNull()) {
            if (!budgetNodes.isArray()) {
                throw invalid("'budgets' must be an array", at + ".budgets");
            }
            for (int i = 0; i < budgetNodes.size(); i++) {
                budgets.add(budget(budgetNodes.get(i), at + ".budgets[" + i + "]"));
            }
        }
        Map<String, Limits> models = new LinkedHashMap<>();
        JsonNode modelNodes = node.get("models");
        if (modelNodes != null && !modelNodes.isNull()) {
            if (!allowModels || !modelNodes.isObject()) {
                throw invalid("'models' must be an object of model pattern to limits, and cannot nest", at + ".models");
            }
            modelNodes
                    .properties()
                    .forEach(entry -> models.put(
                            entry.getKey(), parse(entry.getValue(), at + ".models." + entry.getKey(), false)));
        }
        return new Limits(
                count(node, "requests_per_minute", at),
                count(node, "tokens_per_minute", at),
                count(node, "max_concurrent", at),
                count(node, "max_prompt_tokens", at),
                count(node, "max_output_tokens", at),
                count(node, "max_body_bytes", at),
                budgets,
                models);
    }

    private Budget budget(JsonNode node, String at) {
        if (!node.isObject()) {
            throw invalid("a budget must be an object with 'period' and 'tokens' and/or 'cost'", at);
        }
        Budget.Period period;
        try {
            period = Budget.Period.valueOf(node.path("period").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("'period' must be day, week, month or total", at + ".period");
        }
        Long tokens = null;
        if (node.hasNonNull("tokens")) {
            if (!node.get("tokens").canConvertToLong()
                    || !node.get("tokens").isIntegralNumber()
                    || node.get("tokens").asLong() < 0) {
                throw invalid("'tokens' must be a whole number of at least 0", at + ".tokens");
            }
            tokens = node.get("tokens").asLong();
        }
        Double cost = null;
        if (node.hasNonNull("cost")) {
            if (!node.get("cost").isNumber() || node.get("cost").asDouble() < 0) {
                throw invalid("'cost' must be a number of at least 0 (US dollars)", at + ".cost");
            }
            cost = node.get("cost").asDouble();
        }
        if (tokens == null && cost == null) {
            throw invalid("a budget needs 'tokens' or 'cost'", at);
        }
        return new Budget(period, tokens, cost);
    }

    private static Integer count(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
            throw invalid("'" + field + "' must be a whole number of at least 0 (0 = unlimited)", at + "." + field);
        }
        return value.asInt();
    }

    private static void putIfSet(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static PalisadeException invalid(String message, String param) {
        return new PalisadeException(ErrorCode.INVALID_REQUEST, message, param);
    }
}
