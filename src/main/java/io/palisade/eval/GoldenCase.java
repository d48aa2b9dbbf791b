package io.palisade.eval;

import java.util.List;
import java.util.Objects;

/**
 * One question of a golden set.
 *
 * <ul>
 *   <li>{@code id}: unique within the set; results are stored and compared across runs by it.</li>
 *   <li>{@code category}: free-form grouping for reports (e.g. {@code arithmetic}).</li>
 *   <li>{@code language}: language tag of the question and expected answer; {@code "en"} when
 *       null is passed.</li>
 *   <li>{@code question}: the prompt sent to the generator model, self-contained.</li>
 *   <li>{@code keyPoints}: what a correct answer must contain, short enough for a judge to check.</li>
 *   <li>{@code reference}: a correct answer shown to the judge; may be null.</li>
 *   <li>{@code checks}: deterministic checks run beside the judge, in order; empty when null is
 *       passed.</li>
 * </ul>
 *
 * <p>The constructor only rejects nulls (other than {@code reference}) and copies the lists; the
 * full validation rules (non-blank fields, non-empty key points, …) are enforced by the loaders in
 * {@link GoldenSet}, which is where cases normally come from. Immutable and thread-safe.
 */
public record GoldenCase(
        String id,
        String category,
        String language,
        String question,
        List<String> keyPoints,
        String reference,
        List<Check> checks) {

    public GoldenCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        language = language == null ? "en" : language;
        Objects.requireNonNull(question, "question");
        keyPoints = List.copyOf(Objects.requireNonNull(keyPoints, "keyPoints"));
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * SHA-256 of this case's canonical form ({@code "sha256:<64 hex>"}), the same per-case form the
     * set's {@link GoldenSet#contentHash()} is computed over; lets a comparison tell whether a case
     * with the same id changed between two runs.
     */
    public String contentHash() {
        return GoldenSetHash.ofCase(this);
    }
}
