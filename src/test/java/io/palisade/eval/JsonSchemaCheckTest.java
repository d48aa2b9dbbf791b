package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON-finding rules, and JSON Schema draft 2020-12 through the validator library. */
class JsonSchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());

    private CheckResult check(String schema, String answer) throws Exception {
        GoldenCase goldenCase = new GoldenCase(
                "id", "cat", "en", "q", List.of("k"), null, List.of(new JsonSchemaCheck(JSON.readTree(schema))));
        return checks.run(goldenCase, answer).get(0);
    }

    // ------------------------------------------------------------ finding the JSON

    @Test
    void takesTheWholeAnswerWhenItIsJson() throws Exception {
        assertThat(check("{\"type\":\"object\"}", "  {\"a\": 1}\n"))
                .isEqualTo(
                        new CheckResult("json_schema", true, "JSON from the whole answer is valid against the schema"));
        assertThat(check("{\"type\":\"integer\"}", "42").passed()).isTrue();
        assertThat(check("{\"type\":\"string\"}", "\"hi\"").passed()).isTrue();
    }

    @Test
    void takesTheContentOfACodeFence() throws Exception {
        String answer = "Here you go:\n```json\n{\"name\": \"Ada\"}\n```\nAnything else?";
        assertThat(check("{\"required\":[\"name\"]}", answer))
                .isEqualTo(new CheckResult("json_schema", true, "JSON from the ``` fence is valid against the schema"));
        assertThat(check("{\"type\":\"array\"}", "```\n[1, 2]\n```").detail())
                .isEqualTo("JSON from the ``` fence is valid against the schema");
        assertThat(check("{\"type\":\"array\"}", "```json\n[1, 2]").passed())
                .as("unclosed fence")
                .isTrue();
        String twoFences = "```bash\ncurl localhost\n```\nthen\n```json\n{\"ok\": true}\n```";
        assertThat(check("{\"type\":\"object\"}", twoFences).detail())
                .isEqualTo("JSON from ``` fence 2 is valid against the schema");
        String prose = "```\nThe result is {\"ok\": true}.\n```";
        assertThat(check("{\"type\":\"object\"}", prose).detail())
                .isEqualTo("JSON from a {...} block at offset 14 of the ``` fence is valid against the schema");
    }

    @Test
    void takesTheFirstBlockThatParses() throws Exception {
        String answer = "Sure [see below]: {\"age\": 36} and {\"age\": \"x\"}";
        assertThat(check("{\"type\":\"object\"}", answer))
                .isEqualTo(new CheckResult(
                        "json_schema",
                        true,
                        "JSON from a {...} block at offset 18 of the answer is valid against the schema"));
        assertThat(check("{\"type\":\"array\"}", "The primes are [2, 3, 5].").detail())
                .isEqualTo("JSON from a [...] block at offset 15 of the answer is valid against the schema");
    }

    @Test
    void failsWhenThereIsNoJson() throws Exception {
        assertThat(check("{\"type\":\"object\"}", "I cannot do that."))
                .isEqualTo(new CheckResult("json_schema", false, "no JSON value found in the answer"));
        assertThat(check("{\"type\":\"object\"}", "{\"a\": 1,}").detail())
                .isEqualTo("no JSON value found in the answer");
        assertThat(check("{\"type\":\"object\"}", "").detail()).isEqualTo("no JSON value found in the answer");
    }

    // ------------------------------------------------------------ JSON Schema draft 2020-12

    static Stream<Arguments> keywords() {
        String person =
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
                        + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";
        return Stream.of(
                // type
                Arguments.of("{\"type\":\"object\"}", "{}", null),
                Arguments.of("{\"type\":\"object\"}", "[]", "$: array found, object expected"),
                Arguments.of("{\"type\":\"string\"}", "3", "$: integer found, string expected"),
                Arguments.of("{\"type\":\"number\"}", "3", null),
                Arguments.of("{\"type\":\"integer\"}", "3.0", null),
                Arguments.of("{\"type\":\"integer\"}", "3.5", "$: number found, integer expected"),
                Arguments.of("{\"type\":\"null\"}", "0", "$: integer found, null expected"),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "null", null),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "1", "$: integer found, [string, null] expected"),
                // properties, required, additionalProperties
                Arguments.of(person, "{\"name\":\"Ada\",\"age\":36}", null),
                Arguments.of(person, "{\"name\":\"Ada\",\"age\":\"36\"}", "$.age: string found, integer expected"),
                Arguments.of(person, "{\"name\":\"Ada\"}", "$: required property 'age' not found"),
                Arguments.of(
                        person,
                        "{\"age\":1.5,\"extra key\":1}",
                        "$.age: number found, integer expected;"
                                + " $: required property 'name' not found; $: property 'extra key' is not defined in the schema and the"
                                + " schema does not allow additional properties"),
                Arguments.of(
                        "{\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"integer\"}}}}}",
                        "{\"a\":{\"b\":\"x\"}}",
                        "$.a.b: string found, integer expected"),
                // items, minItems, maxItems
                Arguments.of(
                        "{\"items\":{\"type\":\"integer\"}}",
                        "[1,\"2\",3.5]",
                        "$[1]: string found, integer expected; $[2]: number found, integer expected"),
                Arguments.of("{\"minItems\":2}", "[1]", "$: must have at least 2 items but found 1"),
                // enum, minLength (code points), pattern, minimum
                Arguments.of(
                        "{\"enum\":[\"red\",\"green\"]}",
                        "\"blue\"",
                        "$: does not have a value in the enumeration [\"red\", \"green\"]"),
                Arguments.of("{\"enum\":[29]}", "29.0", null),
                Arguments.of("{\"maxLength\":1}", "\"😀\"", null),
                Arguments.of("{\"pattern\":\"b\"}", "\"abc\"", null),
                Arguments.of("{\"pattern\":\"^[a-z]+$\"}", "\"Abc\"", "$: does not match the regex pattern ^[a-z]+$"),
                Arguments.of("{\"minimum\":0}", "-0.01", "$: must have a minimum value of 0"),
                // what the old hand-written subset refused: $ref/$defs, const, oneOf, format, exclusiveMinimum, boolean
                // schemas
                Arguments.of(
                        "{\"$defs\":{\"qty\":{\"type\":\"integer\"}},\"items\":{\"$ref\":\"#/$defs/qty\"}}",
                        "[1,2]",
                        null),
                Arguments.of(
                        "{\"$defs\":{\"qty\":{\"type\":\"integer\"}},\"items\":{\"$ref\":\"#/$defs/qty\"}}",
                        "[1,\"2\"]",
                        "$[1]: string found, integer expected"),
                Arguments.of("{\"const\":\"yes\"}", "\"no\"", "$: must be the constant value 'yes'"),
                Arguments.of("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "7", null),
                Arguments.of("{\"format\":\"email\"}", "\"ada@example.com\"", null),
                Arguments.of(
                        "{\"format\":\"date\"}",
                        "\"2026-02-30\"",
                        "$: does not match the date pattern must be a valid RFC 3339 full-date"),
                Arguments.of("{\"exclusiveMinimum\":0}", "0", "$: must have an exclusive minimum value of 0"),
                Arguments.of(
                        "{\"properties\":{\"secret\":false}}",
                        "{\"secret\":1}",
                        "$.secret: schema for 'secret' is false"),
                // keywords apply only to their own type; annotations are ignored; a relative $id resolves
                Arguments.of("{\"minLength\":5,\"minimum\":10,\"minItems\":3,\"required\":[\"x\"]}", "true", null),
                Arguments.of(
                        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"t\",\"description\":\"d\","
                                + "\"default\":1,\"examples\":[1],\"$comment\":\"c\",\"$id\":\"x\"}",
                        "1",
                        null),
                Arguments.of("{}", "{\"anything\":[1]}", null));
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @MethodSource("keywords")
    void validatesDraft202012(String schema, String answer, String errors) throws Exception {
        CheckResult result = check(schema, answer);
        if (errors == null) {
            assertThat(result.passed()).as(result.detail()).isTrue();
        } else {
            assertThat(result)
                    .isEqualTo(new CheckResult("json_schema", false, "JSON from the whole answer: " + errors));
        }
    }

    @Test
    void longErrorListsAreShortened() throws Exception {
        CheckResult result = check("{\"items\":{\"type\":\"string\"}}", "[1,2,3,4,5,6,7]");
        assertThat(result.detail())
                .isEqualTo("JSON from the whole answer: $[0]: integer found, string expected; "
                        + "$[1]: integer found, string expected; $[2]: integer found, string expected; $[3]: integer found, string expected; "
                        + "$[4]: integer found, string expected; and 2 more");
        assertThat(check("{\"items\":{\"type\":\"string\"}}", "[" + "1,".repeat(99) + "1]")
                        .detail())
                .endsWith("; and more");
    }

    @Test
    void aCatastrophicPatternFailsTheCheckInsteadOfHanging() throws Exception {
        // without the budget this takes seconds at 27 characters and doubles with each one more
        String answer = "\"" + "a".repeat(60) + "\"";
        assertThat(check("{\"pattern\":\"(.*a){20}x\"}", answer))
                .isEqualTo(
                        new CheckResult(
                                "json_schema",
                                false,
                                "JSON from the whole answer: $: a pattern could not be matched in the step budget (catastrophic backtracking?)"));
    }

    static Stream<Arguments> malformedSchemas() {
        return Stream.of(
                Arguments.of(
                        "{\"type\":\"int\"}",
                        List.of(
                                "schema.type: does not have a value in the enumeration"
                                        + " [\"array\", \"boolean\", \"integer\", \"null\", \"number\", \"object\", \"string\"]",
                                "schema.type: string found, array expected")),
                Arguments.of("{\"properties\":[]}", List.of("schema.properties: array found, object expected")),
                Arguments.of(
                        "{\"required\":[\"a\",\"a\"]}",
                        List.of("schema.required: must have only unique items in the array")),
                Arguments.of("{\"required\":[1]}", List.of("schema.required[0]: integer found, string expected")),
                Arguments.of(
                        "{\"items\":[{\"type\":\"string\"}]}",
                        List.of("schema.items: array found, [object, boolean] expected")),
                Arguments.of("{\"minLength\":-1}", List.of("schema.minLength: must have a minimum value of 0")),
                Arguments.of("{\"maxItems\":1.5}", List.of("schema.maxItems: number found, integer expected")),
                Arguments.of(
                        "{\"items\":{\"anyOf\":[]}}",
                        List.of("schema.items.anyOf: must have at least 1 items but found 0")),
                Arguments.of(
                        "{\"pattern\":\"[\"}",
                        List.of(
                                "schema.pattern: does not match the regex pattern must be a valid ECMA-262 regular expression")),
                Arguments.of(
                        "{\"$ref\":\"#/$defs/missing\"}",
                        List.of("schema: does not load: " + "Reference /$defs/missing cannot be resolved")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSchemas")
    void rejectsSchemasThatAreNotValidDraft202012(String schema, List<String> problems) throws Exception {
        assertThat(JsonSchemaValidation.problems(JSON.readTree(schema))).containsExactlyElementsOf(problems);
    }

    @Test
    void neverFetchesARemoteReference() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0)) {
            listener.setSoTimeout(1);
            String schema = "{\"$ref\":\"http://127.0.0.1:" + listener.getLocalPort() + "/schema.json\"}";
            assertThat(JsonSchemaValidation.problems(JSON.readTree(schema)))
                    .singleElement()
                    .asString()
                    .startsWith("schema: does not load: ");
            assertThatThrownBy(listener::accept)
                    .as("nobody connected")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }
}
