package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The JSON Schema subset of {@link JsonSchemaCheck}: {@link #problems} checks a schema stays within
 * it, {@link #validate} checks a value against a schema. Error paths use {@code $} for the root,
 * {@code .name} (or {@code ["odd name"]}) for properties and {@code [i]} for array elements.
 * Stateless and thread-safe.
 */
final class JsonSchemaSubset {
    static final List<String> TYPES = List.of("object", "array", "string", "number", "integer", "boolean", "null");
    static final List<String> KEYWORDS = List.of("type", "properties", "required", "additionalProperties", "items",
            "enum", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "pattern");
    static final List<String> ANNOTATIONS = List.of("$schema", "$id", "$comment", "title", "description", "default",
            "examples");
    /** Validation stops collecting after this many errors. */
    static final int MAX_ERRORS = 20;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private JsonSchemaSubset() {
    }

    // ---------------------------------------------------------------- schema well-formedness

    /** Every way {@code schema} leaves the subset, as "schema.path: problem"; empty if it is fine. */
    static List<String> problems(JsonNode schema) {
        List<String> problems = new ArrayList<>();
        checkSchema(schema, "schema", problems);
        return problems;
    }

    private static void checkSchema(JsonNode schema, String path, List<String> out) {
        if (schema == null || !schema.isObject()) {
            out.add(path + ": expected a JSON Schema object, got " + kind(schema));
            return;
        }
        for (Map.Entry<String, JsonNode> entry : schema.properties()) {
            String keyword = entry.getKey();
            if (!KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                out.add(path + ": unsupported keyword \"" + keyword + "\" (supported: " + String.join(", ", KEYWORDS)
                        + "; annotations " + String.join(", ", ANNOTATIONS) + " are ignored)");
            }
        }
        JsonNode type = schema.get("type");
        if (type != null) {
            if (type.isTextual()) {
                checkTypeName(type.textValue(), path + ".type", out);
            } else if (type.isArray() && !type.isEmpty()) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < type.size(); i++) {
                    JsonNode item = type.get(i);
                    if (!item.isTextual()) {
                        out.add(path + ".type[" + i + "]: expected a type name, got " + kind(item));
                    } else if (!seen.add(item.textValue())) {
                        out.add(path + ".type[" + i + "]: duplicate type \"" + item.textValue() + "\"");
                    } else {
                        checkTypeName(item.textValue(), path + ".type[" + i + "]", out);
                    }
                }
            } else {
                out.add(path + ".type: expected a type name or a non-empty array of type names, got " + kind(type));
            }
        }
        JsonNode properties = schema.get("properties");
        if (properties != null) {
            if (!properties.isObject()) {
                out.add(path + ".properties: expected an object of property schemas, got " + kind(properties));
            } else {
                for (Map.Entry<String, JsonNode> property : properties.properties()) {
                    checkSchema(property.getValue(), path + ".properties" + member(property.getKey()), out);
                }
            }
        }
        JsonNode required = schema.get("required");
        if (required != null) {
            if (!required.isArray()) {
                out.add(path + ".required: expected an array of property names, got " + kind(required));
            } else {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < required.size(); i++) {
                    JsonNode name = required.get(i);
                    if (!name.isTextual()) {
                        out.add(path + ".required[" + i + "]: expected a property name, got " + kind(name));
                    } else if (!seen.add(name.textValue())) {
                        out.add(path + ".required[" + i + "]: duplicate name \"" + name.textValue() + "\"");
                    }
                }
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && !additional.isBoolean()) {
            out.add(path + ".additionalProperties: expected true or false (schemas are not supported here), got "
                    + kind(additional));
        }
        JsonNode items = schema.get("items");
        if (items != null) {
            checkSchema(items, path + ".items", out);
        }
        JsonNode enumeration = schema.get("enum");
        if (enumeration != null && (!enumeration.isArray() || enumeration.isEmpty())) {
            out.add(path + ".enum: expected a non-empty array of allowed values, got " + kind(enumeration));
        }
        for (String bound : List.of("minItems", "maxItems", "minLength", "maxLength")) {
            JsonNode value = schema.get(bound);
            if (value != null && !(isInteger(value) && value.decimalValue().signum() >= 0
                    && value.decimalValue().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0)) {
                out.add(path + "." + bound + ": expected a non-negative integer, got " + describe(value));
            }
        }
        for (String bound : List.of("minimum", "maximum")) {
            JsonNode value = schema.get(bound);
            if (value != null && !isFiniteNumber(value)) {
                out.add(path + "." + bound + ": expected a number, got " + describe(value));
            }
        }
        checkOrder(schema, "minItems", "maxItems", path, out);
        checkOrder(schema, "minLength", "maxLength", path, out);
        checkOrder(schema, "minimum", "maximum", path, out);
        JsonNode pattern = schema.get("pattern");
        if (pattern != null) {
            if (!pattern.isTextual()) {
                out.add(path + ".pattern: expected a regular expression string, got " + kind(pattern));
            } else {
                try {
                    Pattern.compile(pattern.textValue());
                } catch (PatternSyntaxException e) {
                    out.add(path + ".pattern: does not compile: " + e.getDescription() + " near index " + e.getIndex());
                }
            }
        }
    }

    private static void checkTypeName(String name, String path, List<String> out) {
        if (!TYPES.contains(name)) {
            out.add(path + ": unknown type \"" + name + "\" (expected one of " + String.join(", ", TYPES) + ")");
        }
    }

    private static void checkOrder(JsonNode schema, String min, String max, String path, List<String> out) {
        JsonNode low = schema.get(min);
        JsonNode high = schema.get(max);
        if (low != null && high != null && isFiniteNumber(low) && isFiniteNumber(high)
                && low.decimalValue().compareTo(high.decimalValue()) > 0) {
            out.add(path + ": " + min + " (" + describe(low) + ") is greater than " + max + " (" + describe(high)
                    + "); nothing could match");
        }
    }

    // ---------------------------------------------------------------- instance validation

    /** Every way {@code value} violates {@code schema} (up to {@link #MAX_ERRORS}); empty if valid. */
    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        validate(schema, value, "$", errors);
        return errors;
    }

    private static void validate(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (errors.size() >= MAX_ERRORS) {
            return;
        }
        JsonNode type = schema.get("type");
        if (type != null && !hasType(value, type)) {
            errors.add(path + ": expected " + typeList(type) + ", got " + kind(value));
            return; // the other keywords would only add noise
        }
        JsonNode enumeration = schema.get("enum");
        if (enumeration != null) {
            boolean found = false;
            for (JsonNode allowed : enumeration) {
                if (jsonEquals(allowed, value)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                List<String> allowed = new ArrayList<>();
                enumeration.forEach(node -> allowed.add(abbreviate(node.toString())));
                errors.add(path + ": expected one of " + String.join(", ", allowed) + ", got " + abbreviate(value.toString()));
            }
        }
        if (value.isObject()) {
            validateObject(schema, value, path, errors);
        } else if (value.isArray()) {
            validateArray(schema, value, path, errors);
        } else if (value.isTextual()) {
            validateString(schema, value.textValue(), path, errors);
        } else if (value.isNumber()) {
            validateNumber(schema, value, path, errors);
        }
    }

    private static void validateObject(JsonNode schema, JsonNode value, String path, List<String> errors) {
        JsonNode required = schema.get("required");
        if (required != null) {
            for (JsonNode name : required) {
                if (!value.has(name.textValue())) {
                    errors.add(path + member(name.textValue()) + ": required property missing");
                }
            }
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean noAdditional = additional != null && !additional.booleanValue();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            JsonNode propertySchema = properties == null ? null : properties.get(field.getKey());
            if (propertySchema != null) {
                validate(propertySchema, field.getValue(), path + member(field.getKey()), errors);
            } else if (noAdditional && errors.size() < MAX_ERRORS) {
                errors.add(path + member(field.getKey()) + ": property not allowed (additionalProperties is false)");
            }
        }
    }

    private static void validateArray(JsonNode schema, JsonNode value, String path, List<String> errors) {
        JsonNode minItems = schema.get("minItems");
        if (minItems != null && value.size() < minItems.intValue()) {
            errors.add(path + ": expected at least " + minItems.intValue() + " item" + plural(minItems.intValue())
                    + ", got " + value.size());
        }
        JsonNode maxItems = schema.get("maxItems");
        if (maxItems != null && value.size() > maxItems.intValue()) {
            errors.add(path + ": expected at most " + maxItems.intValue() + " item" + plural(maxItems.intValue())
                    + ", got " + value.size());
        }
        JsonNode items = schema.get("items");
        if (items != null) {
            for (int i = 0; i < value.size(); i++) {
                validate(items, value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static void validateString(JsonNode schema, String text, String path, List<String> errors) {
        int length = text.codePointCount(0, text.length());
        JsonNode minLength = schema.get("minLength");
        if (minLength != null && length < minLength.intValue()) {
            errors.add(path + ": expected at least " + minLength.intValue() + " character" + plural(minLength.intValue())
                    + ", got " + length);
        }
        JsonNode maxLength = schema.get("maxLength");
        if (maxLength != null && length > maxLength.intValue()) {
            errors.add(path + ": expected at most " + maxLength.intValue() + " character" + plural(maxLength.intValue())
                    + ", got " + length);
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null) {
            String outcome;
            try {
                outcome = RegexBudget.matcher(Pattern.compile(pattern.textValue()), text).find() ? null : "does not match";
            } catch (RegexBudget.Exhausted | StackOverflowError e) {
                outcome = "could not be matched in the step budget against";
            }
            if (outcome != null) {
                errors.add(path + ": " + abbreviate(quote(text)) + " " + outcome + " pattern " + pattern.textValue());
            }
        }
    }

    private static void validateNumber(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (!isFiniteNumber(value)) {
            return;
        }
        BigDecimal number = value.decimalValue();
        JsonNode minimum = schema.get("minimum");
        if (minimum != null && number.compareTo(minimum.decimalValue()) < 0) {
            errors.add(path + ": expected a number >= " + GoldenSetHash.number(minimum) + ", got " + GoldenSetHash.number(value));
        }
        JsonNode maximum = schema.get("maximum");
        if (maximum != null && number.compareTo(maximum.decimalValue()) > 0) {
            errors.add(path + ": expected a number <= " + GoldenSetHash.number(maximum) + ", got " + GoldenSetHash.number(value));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean hasType(JsonNode value, JsonNode type) {
        if (type.isTextual()) {
            return hasType(value, type.textValue());
        }
        for (JsonNode name : type) {
            if (hasType(value, name.textValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> isInteger(value);
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static String typeList(JsonNode type) {
        if (type.isTextual()) {
            return type.textValue();
        }
        List<String> names = new ArrayList<>();
        type.forEach(name -> names.add(name.textValue()));
        return String.join(" or ", names);
    }

    /** A number with no fractional part (JSON Schema counts 2.0 as an integer). */
    static boolean isInteger(JsonNode node) {
        if (node.isIntegralNumber()) {
            return true;
        }
        if (!isFiniteNumber(node)) {
            return false;
        }
        BigDecimal decimal = node.decimalValue();
        return decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
    }

    private static boolean isFiniteNumber(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return false;
        }
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            return !Double.isNaN(d) && !Double.isInfinite(d);
        }
        return true;
    }

    /** JSON value equality, with numbers equal when their values are (1 == 1.0). */
    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (isFiniteNumber(a) && isFiniteNumber(b)) {
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            }
            return a.doubleValue() == b.doubleValue();
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : a.properties()) {
                JsonNode other = b.get(field.getKey());
                if (other == null || !jsonEquals(field.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** The JSON kind of a node, as used in messages: object, array, string, integer, number, boolean, null. */
    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return isInteger(node) ? "integer" : "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(JsonNode node) {
        return node.isValueNode() ? kind(node) + " " + abbreviate(node.toString()) : kind(node);
    }

    /** ".name" for identifier-like keys, otherwise ["key"] with JSON escaping. */
    static String member(String key) {
        return IDENTIFIER.matcher(key).matches() ? "." + key : "[" + quote(key) + "]";
    }

    private static String quote(String text) {
        return TextNode.valueOf(text).toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String plural(int count) {
        return count == 1 ? "" : "s";
    }
}
