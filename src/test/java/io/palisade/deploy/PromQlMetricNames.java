package io.palisade.deploy;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads. Not a PromQL parser: a tokenizer that knows just
 * enough to tell a metric name from everything else that looks like an identifier — function and
 * aggregation names (followed by "("), keywords, label names inside {…} and in by (…) / on (…)
 * lists, strings, numbers and durations, and Grafana's $variables.
 */
final class PromQlMetricNames {
    /**
     * Keywords not followed by "(": binary operators, modifiers, number literals, and aggregation
     * operators written with their grouping first ("sum by (le) (…)").
     */
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "le",
            "inf",
            "nan",
            "atan2",
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");
    /** Keywords whose parenthesised list holds label names, not expressions. */
    private static final Set<String> LABEL_LISTS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private final String text;
    private int position;

    private PromQlMetricNames(String text) {
        this.text = text;
    }

    static Set<String> in(String expression) {
        return new PromQlMetricNames(expression).scan();
    }

    private Set<String> scan() {
        Set<String> names = new TreeSet<>();
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '{') {
                skipBlock('{', '}');
            } else if (c == '[') {
                skipBlock('[', ']');
            } else if (c == '#') {
                skipToEndOfLine();
            } else if (c == '$') {
                skipVariable();
            } else if (Character.isDigit(c)
                    || (c == '.' && position + 1 < text.length() && Character.isDigit(text.charAt(position + 1)))) {
                skipNumber();
            } else if (isIdentifierStart(c)) {
                String identifier = readIdentifier();
                boolean call = nextNonSpace() == '(';
                String keyword = identifier.toLowerCase(Locale.ROOT);
                if (call && LABEL_LISTS.contains(keyword)) {
                    skipToNonSpace();
                    skipBlock('(', ')');
                } else if (!call && !KEYWORDS.contains(keyword)) {
                    names.add(identifier);
                }
            } else {
                position++;
            }
        }
        return names;
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }

    private String readIdentifier() {
        int start = position;
        while (position < text.length() && isIdentifierPart(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    private char nextNonSpace() {
        int look = position;
        while (look < text.length() && Character.isWhitespace(text.charAt(look))) {
            look++;
        }
        return look < text.length() ? text.charAt(look) : 0;
    }

    private void skipToNonSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    /** From an opening bracket to its closing one, stepping over strings (a "}" inside a regex). */
    private void skipBlock(char open, char close) {
        int depth = 0;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
                continue;
            }
            position++;
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return;
            }
        }
    }

    private void skipString(char quote) {
        position++;
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == '\\' && quote != '`') {
                position++;
            } else if (c == quote) {
                return;
            }
        }
    }

    private void skipToEndOfLine() {
        while (position < text.length() && text.charAt(position) != '\n') {
            position++;
        }
    }

    /** Grafana variables: $name, ${name} and ${name:format}. */
    private void skipVariable() {
        position++;
        if (position < text.length() && text.charAt(position) == '{') {
            skipBlock('{', '}');
        } else {
            readIdentifier();
        }
    }

    /** Numbers, durations (5m, 1h30m), hexadecimals and exponents (1e+3). */
    private void skipNumber() {
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position);
            boolean exponentSign =
                    (c == '+' || c == '-') && text.substring(start, position).matches("[0-9.]+[eE]");
            if (isIdentifierPart(c) || c == '.' || exponentSign) {
                position++;
            } else {
                return;
            }
        }
    }
}
