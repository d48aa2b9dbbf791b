package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * JSON Schema (draft 2020-12) for {@link JsonSchemaCheck}, through the networknt validator.
 * {@link #problems} checks a schema against the draft's meta-schema and that it loads;
 * {@link #validate} checks a value. Paths use JSONPath: {@code $} the root, {@code .name} or
 * {@code ['odd name']} a property, {@code [i]} an element.
 *
 * <p>Golden sets run on air-gapped hosts and must grade the same everywhere, so a schema may only
 * refer to itself: remote {@code $ref}s are never fetched (the schema fails to load instead).
 * {@code format} is asserted, not just annotated: a check is never weaker than it reads. Patterns
 * run with {@link RegexBudget}, so a pathological {@code pattern} fails the check instead of
 * hanging the evaluation. The registry caches no schema (two golden sets may reuse an {@code $id}
 * for different schemas). Stateless and thread-safe.
 */
final class JsonSchemaValidation {
    /** Validation reports at most this many errors. */
    static final int MAX_ERRORS = 20;

    private static final SpecificationVersion DRAFT = SpecificationVersion.DRAFT_2020_12;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            DRAFT,
            builder -> builder.schemaCacheEnabled(false)
                    .schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_PATH)
                            .formatAssertionsEnabled(true)
                            .regularExpressionFactory(JsonSchemaValidation::budgeted)
                            .build()));
    private static final Schema META_SCHEMA = REGISTRY.getSchema(SchemaLocation.of(DRAFT.getDialectId()));
    /**
     * Where a check's schema counts as living, so that a relative {@code $id} resolves. The
     * {@code .invalid} domain is reserved: nothing under it exists, and nothing is fetched anyway.
     */
    private static final SchemaLocation BASE = SchemaLocation.of("https://palisade.invalid/golden-set/check.json");

    private JsonSchemaValidation() {}

    /** Every way {@code schema} is not a loadable draft 2020-12 schema, as "schema.path: problem"; empty if fine. */
    static List<String> problems(JsonNode schema) {
        Set<String> problems = new LinkedHashSet<>(); // a meta-schema's alternatives repeat the same message
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            return List.of("schema: expected a JSON Schema (an object or a boolean), got " + JsonKind.of(schema));
        }
        for (Error error : META_SCHEMA.validate(schema)) {
            problems.add("schema" + error.getInstanceLocation().toString().substring(1) + ": " + error.getMessage());
        }
        if (problems.isEmpty()) {
            try {
                load(schema).validate(schema); // resolves every $ref and compiles every pattern now
            } catch (SchemaException | PatternSyntaxException | RegexBudget.Exhausted | StackOverflowError e) {
                problems.add("schema: does not load: " + reason(e));
            }
        }
        return List.copyOf(problems);
    }

    /** Every way {@code value} violates {@code schema} (at most {@link #MAX_ERRORS}); empty if valid. */
    static List<String> validate(JsonNode schema, JsonNode value) {
        List<Error> errors;
        try {
            errors = load(schema).validate(value);
        } catch (RegexBudget.Exhausted | StackOverflowError e) {
            return List.of("$: a pattern could not be matched in the step budget (catastrophic backtracking?)");
        }
        List<String> messages = new ArrayList<>();
        for (Error error : errors.subList(0, Math.min(MAX_ERRORS, errors.size()))) {
            messages.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return messages;
    }

    private static Schema load(JsonNode schema) {
        return REGISTRY.getSchema(BASE, schema);
    }

    private static RegularExpression budgeted(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return text -> RegexBudget.matcher(pattern, text).find();
    }

    private static String reason(Throwable e) {
        if (e instanceof PatternSyntaxException syntax) {
            return "a pattern does not compile: " + syntax.getDescription() + " near index " + syntax.getIndex();
        }
        if (e instanceof SchemaException) {
            // The cause names what could not be resolved (a remote or missing $ref) better than the wrapper.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException) {
                return "cannot load " + cause.getMessage() + " (nothing is fetched: put the definition in $defs)";
            }
            return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
        return "a pattern could not be checked in the step budget";
    }
}
