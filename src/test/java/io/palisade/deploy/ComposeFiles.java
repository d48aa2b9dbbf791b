package io.palisade.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The compose files of deploy/compose, read as Docker Compose reads them, and the Compose specification's schema. */
final class ComposeFiles {
    static final Path DIRECTORY = DeployFiles.ROOT.resolve("deploy/compose");
    static final Path DEV = DIRECTORY.resolve("compose.dev.yaml");
    static final Path PROD = DIRECTORY.resolve("compose.prod.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ComposeFiles() {}

    /**
     * The file as a tree, YAML merge keys ({@code <<: *palisade}) applied as Compose applies them (SnakeYAML
     * does; Jackson's YAML reader would keep {@code <<} as a key).
     */
    static JsonNode read(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try {
            Object document = yaml.load(Files.readString(file, StandardCharsets.UTF_8));
            return JSON.valueToTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every way {@code compose} violates the Compose specification's schema; empty when valid. */
    static List<String> schemaProblems(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        for (Error error : SCHEMA.validate(compose)) {
            problems.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return problems;
    }

    private static final Schema SCHEMA = loadSchema();

    /**
     * This revision still marks its parts with draft-4 "id" keywords ("#/definitions/service"), which draft 2019-09
     * does not have and the validator refuses as unknown; they only name the parts, so they are dropped. A property
     * called "id" has a schema (an object) as its value, never text, so it stays.
     */
    private static void removeDraft4Ids(JsonNode node) {
        if (node instanceof ObjectNode object && object.path("id").isTextual()) {
            object.remove("id");
        }
        node.forEach(ComposeFiles::removeDraft4Ids);
    }

    private static Schema loadSchema() {
        try (InputStream in = ComposeFiles.class.getResourceAsStream("compose-spec.json")) {
            ObjectNode schema = (ObjectNode) JSON.readTree(in);
            // Its "$schema" is written "http://json-schema.org/draft/2019-09/schema#", which the validator would
            // try to fetch as an unknown meta-schema; the draft is set as the default dialect instead.
            schema.remove("$schema");
            removeDraft4Ids(schema);
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                    SpecificationVersion.DRAFT_2019_09,
                    builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
            return registry.getSchema(SchemaLocation.of("https://palisade.invalid/compose-spec.json"), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
