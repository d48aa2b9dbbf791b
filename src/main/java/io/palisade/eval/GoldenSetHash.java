package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of cases and its SHA-256. Each case is written as compact JSON with object
 * keys sorted (by UTF-16 code units), defaults explicit, numbers normalised and strings escaped
 * minimally (only {@code "}, {@code \} and control characters), one case per line, each line ended
 * by {@code \n}. It is built from the parsed model, never from the source text, so the source
 * format cannot leak into it. Stateless and thread-safe.
 */
final class GoldenSetHash {

    private GoldenSetHash() {}

    static String of(List<GoldenCase> cases) {
        StringBuilder canonical = new StringBuilder();
        for (GoldenCase goldenCase : cases) {
            canonical(goldenCase, canonical);
            canonical.append('\n');
        }
        return sha256(canonical.toString());
    }

    static String ofCase(GoldenCase goldenCase) {
        StringBuilder canonical = new StringBuilder();
        canonical(goldenCase, canonical);
        canonical.append('\n');
        return sha256(canonical.toString());
    }

    /** The canonical JSON of one case, without the trailing newline. */
    static String canonical(GoldenCase goldenCase) {
        StringBuilder out = new StringBuilder();
        canonical(goldenCase, out);
        return out.toString();
    }

    private static void canonical(GoldenCase c, StringBuilder out) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("id", c.id());
        fields.put("category", c.category());
        fields.put("language", c.language());
        fields.put("question", c.question());
        fields.put("key_points", c.keyPoints());
        if (c.reference() != null) {
            fields.put("reference", c.reference());
        }
        List<Object> checks = new ArrayList<>();
        for (Check check : c.checks()) {
            Map<String, Object> fieldsOfCheck = new TreeMap<>();
            fieldsOfCheck.put("type", check.type());
            switch (check) {
                case ExactCheck exact -> {
                    fieldsOfCheck.put("value", exact.value());
                    fieldsOfCheck.put("ignore_case", exact.ignoreCase());
                }
                case ContainsCheck contains -> {
                    fieldsOfCheck.put("value", contains.value());
                    fieldsOfCheck.put("ignore_case", contains.ignoreCase());
                }
                case RegexCheck regex -> fieldsOfCheck.put("pattern", regex.pattern());
                case JsonSchemaCheck schema -> fieldsOfCheck.put("schema", schema.schemaNode());
            }
            checks.add(fieldsOfCheck);
        }
        fields.put("checks", checks);
        write(fields, out);
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case String s -> string(s, out);
            case Boolean b -> out.append(b);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string((String) entry.getKey(), out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            case JsonNode node -> node(node, out);
            default -> throw new IllegalStateException("unexpected value in canonical form: " + value.getClass());
        }
    }

    private static void node(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                sorted.put(field.getKey(), field.getValue());
            }
            write(sorted, out);
        } else if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            node.forEach(items::add);
            write(items, out);
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isNumber()) {
            out.append(number(node));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNull()) {
            out.append("null");
        } else {
            // binary/POJO nodes cannot come from a parser; keep the hash total anyway
            string(node.toString(), out);
        }
    }

    /** Integral values without a fraction or exponent (1.0 -> 1), others as stripped BigDecimal. */
    static String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        double d = node.doubleValue();
        if (node.isDouble() || node.isFloat()) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
        }
        BigDecimal decimal = node.decimalValue().stripTrailingZeros();
        if (decimal.signum() == 0) {
            return "0";
        }
        if (decimal.scale() <= 0 && decimal.precision() - decimal.scale() <= 100) {
            return decimal.toBigIntegerExact().toString();
        }
        return decimal.toString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String sha256(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
    }
}
