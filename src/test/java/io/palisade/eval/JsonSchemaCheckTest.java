package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON-finding rules and every keyword of the supported JSON Schema subset. */
class JsonSchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());

    private CheckResult check(String schema, String answer) throws Exception {
        GoldenCase goldenCase = new GoldenCase("id", "cat", "en", "q", List.of("k"), null,
                List.of(new JsonSchemaCheck(JSON.readTree(schema))));
        return checks.run(goldenCase, answer).get(0);
    }

    // ------------------------------------------------------------ finding the JSON

    @Test
    void takesTheWholeAnswerWhenItIsJson() throws Exception {
        assertThat(check("{\"type\":\"object\"}", "  {\"a\": 1}\n"))
                .isEqualTo(new CheckResult("json_schema", true, "JSON from the whole answer is valid against the schema"));
        assertThat(check("{\"type\":\"integer\"}", "42").passed()).isTrue();
        assertThat(check("{\"type\":\"string\"}", "\"hi\"").passed()).isTrue();
    }

    @Test
    void takesTheContentOfACodeFence() throws Exception {
        String answer = "Here you go:\n```json\n{\"name\": \"Ada\"}\n```\nAnything else?";
        assertThat(check("{\"required\":[\"name\"]}", answer))
                .isEqualTo(new CheckResult("json_schema", true, "JSON from the ``` fence is valid against the schema"));
        assertThat(check("{\"type\":\"array\"}", "```\n[1, 2]\n```").detail()).isEqualTo("JSON from the ``` fence is valid against the schema");
        assertThat(check("{\"type\":\"array\"}", "```json\n[1, 2]").passed()).as("unclosed fence").isTrue();
        String twoFences = "```bash\ncurl localhost\n```\nthen\n```json\n{\"ok\": true}\n```";
        assertThat(check("{\"type\":\"object\"}", twoFences).detail()).isEqualTo("JSON from ``` fence 2 is valid against the schema");
        String prose = "```\nThe result is {\"ok\": true}.\n```";
        assertThat(check("{\"type\":\"object\"}", prose).detail())
                .isEqualTo("JSON from a {...} block at offset 14 of the ``` fence is valid against the schema");
    }

    @Test
    void takesTheFirstBlockThatParses() throws Exception {
        String answer = "Sure [see below]: {\"age\": 36} and {\"age\": \"x\"}";
        assertThat(check("{\"type\":\"object\"}", answer))
                .isEqualTo(new CheckResult("json_schema", true, "JSON from a {...} block at offset 18 of the answer is valid against the schema"));
        assertThat(check("{\"type\":\"array\"}", "The primes are [2, 3, 5].").detail())
                .isEqualTo("JSON from a [...] block at offset 15 of the answer is valid against the schema");
    }

    @Test
    void failsWhenThereIsNoJson() throws Exception {
        assertThat(check("{\"type\":\"object\"}", "I cannot do that."))
                .isEqualTo(new CheckResult("json_schema", false, "no JSON value found in the answer"));
        assertThat(check("{\"type\":\"object\"}", "{\"a\": 1,}").detail()).isEqualTo("no JSON value found in the answer");
        assertThat(check("{\"type\":\"object\"}", "").detail()).isEqualTo("no JSON value found in the answer");
    }

    // ------------------------------------------------------------ the schema subset

    static Stream<Arguments> keywords() {
        String person = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
                + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";
        return Stream.of(
                // type
                Arguments.of("{\"type\":\"object\"}", "{}", null),
                Arguments.of("{\"type\":\"object\"}", "[]", "$: expected object, got array"),
                Arguments.of("{\"type\":\"array\"}", "{}", "$: expected array, got object"),
                Arguments.of("{\"type\":\"string\"}", "3", "$: expected string, got integer"),
                Arguments.of("{\"type\":\"number\"}", "3.5", null),
                Arguments.of("{\"type\":\"number\"}", "3", null),
                Arguments.of("{\"type\":\"number\"}", "\"3\"", "$: expected number, got string"),
                Arguments.of("{\"type\":\"integer\"}", "3", null),
                Arguments.of("{\"type\":\"integer\"}", "3.0", null),
                Arguments.of("{\"type\":\"integer\"}", "3.5", "$: expected integer, got number"),
                Arguments.of("{\"type\":\"boolean\"}", "false", null),
                Arguments.of("{\"type\":\"boolean\"}", "\"false\"", "$: expected boolean, got string"),
                Arguments.of("{\"type\":\"null\"}", "null", null),
                Arguments.of("{\"type\":\"null\"}", "0", "$: expected null, got integer"),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "null", null),
                Arguments.of("{\"type\":[\"string\",\"null\"]}", "1", "$: expected string or null, got integer"),
                // properties, required, additionalProperties
                Arguments.of(person, "{\"name\":\"Ada\",\"age\":36}", null),
                Arguments.of(person, "{\"name\":\"Ada\",\"age\":\"36\"}", "$.age: expected integer, got string"),
                Arguments.of(person, "{\"name\":\"Ada\"}", "$.age: required property missing"),
                Arguments.of(person, "{\"name\":\"Ada\",\"age\":36,\"city\":\"x\"}",
                        "$.city: property not allowed (additionalProperties is false)"),
                Arguments.of(person, "{\"age\":1.5,\"extra key\":1}",
                        "$.name: required property missing; $.age: expected integer, got number;"
                                + " $[\"extra key\"]: property not allowed (additionalProperties is false)"),
                Arguments.of("{\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":true}", "{\"b\":1}", null),
                Arguments.of("{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"b\":1}", null),
                Arguments.of("{\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"integer\"}}}}}", "{\"a\":{\"b\":\"x\"}}",
                        "$.a.b: expected integer, got string"),
                // items, minItems, maxItems
                Arguments.of("{\"items\":{\"type\":\"integer\"}}", "[1,2,3]", null),
                Arguments.of("{\"items\":{\"type\":\"integer\"}}", "[1,\"2\",3.5]",
                        "$[1]: expected integer, got string; $[2]: expected integer, got number"),
                Arguments.of("{\"items\":{\"properties\":{\"qty\":{\"type\":\"integer\"}}}}", "[{\"qty\":1},{\"qty\":\"2\"}]",
                        "$[1].qty: expected integer, got string"),
                Arguments.of("{\"minItems\":2,\"maxItems\":3}", "[1,2]", null),
                Arguments.of("{\"minItems\":2}", "[1]", "$: expected at least 2 items, got 1"),
                Arguments.of("{\"maxItems\":1}", "[1,2]", "$: expected at most 1 item, got 2"),
                // enum
                Arguments.of("{\"enum\":[\"red\",\"green\"]}", "\"green\"", null),
                Arguments.of("{\"enum\":[\"red\",\"green\"]}", "\"blue\"", "$: expected one of \"red\", \"green\", got \"blue\""),
                Arguments.of("{\"enum\":[29]}", "29.0", null),
                Arguments.of("{\"enum\":[true]}", "false", "$: expected one of true, got false"),
                Arguments.of("{\"enum\":[{\"a\":[1,2]}]}", "{\"a\":[1,2.0]}", null),
                Arguments.of("{\"enum\":[{\"a\":[1,2]}]}", "{\"a\":[2,1]}", "$: expected one of {\"a\":[1,2]}, got {\"a\":[2,1]}"),
                // minLength, maxLength (code points), pattern
                Arguments.of("{\"minLength\":2,\"maxLength\":3}", "\"abc\"", null),
                Arguments.of("{\"minLength\":2}", "\"a\"", "$: expected at least 2 characters, got 1"),
                Arguments.of("{\"maxLength\":2}", "\"abc\"", "$: expected at most 2 characters, got 3"),
                Arguments.of("{\"maxLength\":1}", "\"😀\"", null),
                Arguments.of("{\"pattern\":\"^[a-z]+$\"}", "\"abc\"", null),
                Arguments.of("{\"pattern\":\"b\"}", "\"abc\"", null),
                Arguments.of("{\"pattern\":\"^[a-z]+$\"}", "\"Abc\"", "$: \"Abc\" does not match pattern ^[a-z]+$"),
                // minimum, maximum (inclusive)
                Arguments.of("{\"minimum\":0,\"maximum\":1}", "0", null),
                Arguments.of("{\"minimum\":0,\"maximum\":1}", "1.0", null),
                Arguments.of("{\"minimum\":0,\"maximum\":1}", "0.5", null),
                Arguments.of("{\"minimum\":0}", "-0.01", "$: expected a number >= 0, got -0.01"),
                Arguments.of("{\"maximum\":1}", "1.5", "$: expected a number <= 1, got 1.5"),
                // keywords apply only to their own type; annotations are ignored
                Arguments.of("{\"minLength\":5,\"minimum\":10,\"minItems\":3,\"required\":[\"x\"]}", "true", null),
                Arguments.of("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"t\",\"description\":\"d\","
                        + "\"default\":1,\"examples\":[1],\"$comment\":\"c\",\"$id\":\"x\"}", "1", null),
                Arguments.of("{}", "{\"anything\":[1]}", null));
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @MethodSource("keywords")
    void validatesTheSubset(String schema, String answer, String errors) throws Exception {
        CheckResult result = check(schema, answer);
        if (errors == null) {
            assertThat(result.passed()).as(result.detail()).isTrue();
        } else {
            assertThat(result).isEqualTo(new CheckResult("json_schema", false, "JSON from the whole answer: " + errors));
        }
    }

    @Test
    void longErrorListsAreShortened() throws Exception {
        CheckResult result = check("{\"items\":{\"type\":\"string\"}}", "[1,2,3,4,5,6,7]");
        assertThat(result.detail()).isEqualTo("JSON from the whole answer: $[0]: expected string, got integer; "
                + "$[1]: expected string, got integer; $[2]: expected string, got integer; $[3]: expected string, got integer; "
                + "$[4]: expected string, got integer; and 2 more");
        assertThat(check("{\"items\":{\"type\":\"string\"}}", "[" + "1,".repeat(99) + "1]").detail()).endsWith("; and more");
    }

    static Stream<Arguments> malformedSchemas() {
        return Stream.of(
                Arguments.of("{\"type\":\"int\"}", "schema.type: unknown type \"int\" (expected one of object, array, string, number, integer, boolean, null)"),
                Arguments.of("{\"type\":[]}", "schema.type: expected a type name or a non-empty array of type names, got array"),
                Arguments.of("{\"type\":[\"string\",\"string\"]}", "schema.type[1]: duplicate type \"string\""),
                Arguments.of("{\"type\":[\"string\",1]}", "schema.type[1]: expected a type name, got integer"),
                Arguments.of("{\"properties\":[]}", "schema.properties: expected an object of property schemas, got array"),
                Arguments.of("{\"properties\":{\"a b\":true}}", "schema.properties[\"a b\"]: expected a JSON Schema object, got boolean"),
                Arguments.of("{\"required\":\"a\"}", "schema.required: expected an array of property names, got string"),
                Arguments.of("{\"required\":[\"a\",\"a\"]}", "schema.required[1]: duplicate name \"a\""),
                Arguments.of("{\"required\":[1]}", "schema.required[0]: expected a property name, got integer"),
                Arguments.of("{\"items\":[{\"type\":\"string\"}]}", "schema.items: expected a JSON Schema object, got array"),
                Arguments.of("{\"enum\":[]}", "schema.enum: expected a non-empty array of allowed values, got array"),
                Arguments.of("{\"minLength\":-1}", "schema.minLength: expected a non-negative integer, got integer -1"),
                Arguments.of("{\"maxItems\":1.5}", "schema.maxItems: expected a non-negative integer, got number 1.5"),
                Arguments.of("{\"minimum\":\"0\"}", "schema.minimum: expected a number, got string \"0\""),
                Arguments.of("{\"minimum\":2,\"maximum\":1}", "schema: minimum (integer 2) is greater than maximum (integer 1); nothing could match"),
                Arguments.of("{\"pattern\":3}", "schema.pattern: expected a regular expression string, got integer"),
                Arguments.of("{\"items\":{\"anyOf\":[]}}", "schema.items: unsupported keyword \"anyOf\" (supported: type, properties, required,"
                        + " additionalProperties, items, enum, minItems, maxItems, minLength, maxLength, minimum, maximum, pattern;"
                        + " annotations $schema, $id, $comment, title, description, default, examples are ignored)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSchemas")
    void rejectsSchemasOutsideTheSubset(String schema, String problem) throws Exception {
        assertThat(JsonSchemaSubset.problems(JSON.readTree(schema))).containsExactly(problem);
    }
}
