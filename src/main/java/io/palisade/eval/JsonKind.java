package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Locale;

/** The JSON kind of a node as golden-set messages name it. Stateless and thread-safe. */
final class JsonKind {
    private JsonKind() {}

    /** object, array, string, integer, number, boolean, null, or "nothing" for a missing node. */
    static String of(JsonNode node) {
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

    /** A number with no fractional part (JSON Schema counts 2.0 as an integer). */
    private static boolean isInteger(JsonNode node) {
        if (node.isIntegralNumber()) {
            return true;
        }
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return false;
        }
        BigDecimal decimal = node.decimalValue();
        return decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
    }
}
