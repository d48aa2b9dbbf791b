package io.palisade.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A named, versioned list of {@link GoldenCase}s: the questions {@code palisade eval run} asks.
 *
 * <h2>Sources</h2>
 * {@link #load(Path)} picks the format by extension: {@code .jsonl} is JSON Lines (one case object
 * per line; blank lines and lines starting with {@code //} are skipped); {@code .yaml}/{@code .yml}
 * is a YAML list of cases or a mapping with a single {@code cases} list; {@code .json} is a JSON
 * array of cases, an object with a {@code cases} array, or JSON Lines. {@link #parse} reads text in
 * a given {@link Format}; {@link #defaultSet()} reads the neutral set shipped on the classpath.
 * Every loader validates the whole set and throws {@link GoldenSetException} listing every problem
 * (file, line or index, case id, what is wrong): required non-blank {@code id}, {@code category},
 * {@code question}; unique ids; {@code key_points} a non-empty list of non-blank strings;
 * {@code language} a language tag, {@code "en"} by default; no unknown fields; well-formed checks;
 * at least one case. The field reference is docs/evaluation.md, "Writing a golden set".
 *
 * <h2>Content hash</h2>
 * {@code contentHash} is {@code "sha256:<64 hex>"} over a canonical form of the cases, in order:
 * each case as JSON with sorted keys, defaults made explicit ({@code language}, {@code ignore_case},
 * empty {@code checks}), numbers normalised ({@code 1.0} = {@code 1}), no insignificant whitespace.
 * So file format, key order, whitespace, comments and spelled-out defaults do not change it, while any
 * change of content, of check order or of case order does. The set's name is not part of it.
 *
 * <p>Immutable and thread-safe; the loaders are stateless and may be called concurrently.
 */
public record GoldenSet(String name, String contentHash, List<GoldenCase> cases) {
    static final String DEFAULT_RESOURCE = "default-golden-set.jsonl";
    static final String SMOKE_RESOURCE = "smoke-golden-set.jsonl";

    /** Formats accepted by {@link #parse}. */
    public enum Format {
        /** JSON Lines: one case object per line. */
        JSONL,
        /** YAML: a list of case objects, or a mapping with a {@code cases} list. */
        YAML
    }

    public GoldenSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentHash, "contentHash");
        cases = List.copyOf(Objects.requireNonNull(cases, "cases"));
    }

    /**
     * Loads and validates a golden set file; the set's name is the file name without its
     * extension. Throws {@link GoldenSetException} if the file is missing, unreadable, not UTF-8,
     * has an unsupported extension or is not a valid golden set.
     */
    public static GoldenSet load(Path file) {
        Objects.requireNonNull(file, "file");
        String fileName = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        String name = dot <= 0 ? fileName : fileName.substring(0, dot);
        String source = file.toString();
        if (!List.of("jsonl", "json", "yaml", "yml").contains(extension)) {
            throw new GoldenSetException(
                    "golden set file " + source + ": unsupported extension; expected .jsonl, .json, .yaml or .yml");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new GoldenSetException("golden set file " + source + " does not exist", e);
        } catch (CharacterCodingException e) {
            throw new GoldenSetException("golden set file " + source + " is not valid UTF-8", e);
        } catch (IOException e) {
            throw new GoldenSetException("cannot read golden set file " + source + ": " + e.getMessage(), e);
        }
        GoldenSetReader reader = new GoldenSetReader();
        return switch (extension) {
            case "jsonl" -> reader.read(text, name, source, Format.JSONL);
            case "json" -> reader.readJson(text, name, source);
            default -> reader.read(text, name, source, Format.YAML);
        };
    }

    /**
     * Parses and validates golden-set text; {@code name} becomes the set's name and is used as the
     * source in error messages. Throws {@link GoldenSetException} if the text is not a valid set.
     */
    public static GoldenSet parse(String text, String name, Format format) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        return new GoldenSetReader().read(text, name, name, format);
    }

    /**
     * The neutral default set shipped with Palisade (resource
     * {@code io/palisade/eval/default-golden-set.jsonl}), named {@code "default"}. Read on each
     * call; its content hash changes whenever a release edits the set.
     */
    public static GoldenSet defaultSet() {
        return shipped(DEFAULT_RESOURCE, "default");
    }

    /**
     * The short set shipped for the smoke evaluation (resource
     * {@code io/palisade/eval/smoke-golden-set.jsonl}), named {@code "smoke"}: a few cases per
     * skill, quick enough to run right after every bring-up, upgrade or drift.
     */
    public static GoldenSet smokeSet() {
        return shipped(SMOKE_RESOURCE, "smoke");
    }

    private static GoldenSet shipped(String resource, String name) {
        try (InputStream in = GoldenSet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource io/palisade/eval/" + resource + " is missing");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new GoldenSetReader().read(text, name, resource + " (classpath)", Format.JSONL);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read classpath resource " + resource, e);
        }
    }

    /**
     * Builds a set from cases already in memory (e.g. in tests), computing the content hash and
     * applying the set-level rules (at least one case, unique ids); throws
     * {@link GoldenSetException} otherwise.
     */
    public static GoldenSet of(String name, List<GoldenCase> cases) {
        Objects.requireNonNull(name, "name");
        List<GoldenCase> copy = List.copyOf(cases);
        if (copy.isEmpty()) {
            throw new GoldenSetException(name + ": no cases (a golden set needs at least one)");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            if (!ids.add(copy.get(i).id())) {
                throw new GoldenSetException(
                        name + " cases[" + i + "], case \"" + copy.get(i).id() + "\": duplicate id");
            }
        }
        return new GoldenSet(name, GoldenSetHash.of(copy), copy);
    }

    /** The distinct categories of the cases, in order of first appearance. */
    public List<String> categories() {
        Set<String> categories = new LinkedHashSet<>();
        for (GoldenCase goldenCase : cases) {
            categories.add(goldenCase.category());
        }
        return List.copyOf(categories);
    }
}
