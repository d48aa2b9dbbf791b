package io.palisade.eval;

import java.util.List;

/**
 * An invalid golden set, phrased for the person who wrote it. Each problem names the file, where
 * the case is (the line for JSONL, {@code cases[i]} for YAML/JSON documents), the case id when
 * it has one, and what is wrong, e.g.
 * {@code golden.jsonl line 7, case "arith-003": key_points must not be empty}.
 * When a file has several problems they are all reported: {@link #problems()} lists them and the
 * message shows them one per line. Also thrown when a file cannot be read.
 */
public final class GoldenSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // Never serialized: reported to the operator in the same process.
    private final transient List<String> problems;

    public GoldenSetException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public GoldenSetException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    GoldenSetException(String source, List<String> problems) {
        super(
                problems.size() == 1
                        ? problems.get(0)
                        : problems.size() + " problems in golden set " + source + ":\n" + String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in file order; a single element for I/O and syntax errors. */
    public List<String> problems() {
        return problems;
    }
}
