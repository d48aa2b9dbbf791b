package io.palisade.eval;

/**
 * A deterministic check attached to a {@link GoldenCase}: a property of the answer that can be
 * decided without a judge model. {@link DeterministicChecks} runs them; each check yields one
 * {@link CheckResult}.
 *
 * <p>The permitted implementations and their wire {@link #type() type} names are
 * {@link ExactCheck} ({@code exact}), {@link ContainsCheck} ({@code contains}), {@link RegexCheck}
 * ({@code regex}) and {@link JsonSchemaCheck} ({@code json_schema}). Every implementation is an
 * immutable record that validates itself on construction, so a {@code Check} instance is always
 * well-formed and safe to share between threads.
 */
public sealed interface Check permits ExactCheck, ContainsCheck, RegexCheck, JsonSchemaCheck {

    /** The check's type as written in a golden-set file: exact, contains, regex or json_schema. */
    String type();
}
