package io.palisade.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A golden set written back as JSONL, so a stored run carries the exact cases it asked. */
final class GoldenSetText {
    private GoldenSetText() {}

    static String write(ObjectMapper json, GoldenSet golden) {
        StringBuilder text = new StringBuilder();
        for (GoldenCase goldenCase : golden.cases()) {
            ObjectNode node = json.createObjectNode();
            node.put("id", goldenCase.id())
                    .put("category", goldenCase.category())
                    .put("language", goldenCase.language())
                    .put("question", goldenCase.question());
            ArrayNode points = node.putArray("key_points");
            goldenCase.keyPoints().forEach(points::add);
            if (goldenCase.reference() != null) {
                node.put("reference", goldenCase.reference());
            }
            ArrayNode checks = node.putArray("checks");
            for (Check check : goldenCase.checks()) {
                ObjectNode item = checks.addObject().put("type", check.type());
                switch (check) {
                    case ExactCheck exact -> item.put("value", exact.value()).put("ignore_case", exact.ignoreCase());
                    case ContainsCheck contains ->
                        item.put("value", contains.value()).put("ignore_case", contains.ignoreCase());
                    case RegexCheck regex -> item.put("pattern", regex.pattern());
                    case JsonSchemaCheck schema -> item.set("schema", schema.schema());
                }
            }
            text.append(node).append('\n');
        }
        return text.toString();
    }
}
