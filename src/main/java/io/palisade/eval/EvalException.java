package io.palisade.eval;

/** An evaluation that cannot run; {@link Kind} decides the exit code (2 for configuration and connectivity). */
public final class EvalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        CONFIGURATION,
        CONNECTIVITY
    }

    private final Kind kind;

    public EvalException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
