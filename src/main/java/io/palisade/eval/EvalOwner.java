package io.palisade.eval;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who or what started an evaluation run, stored with it as {@code kind} or {@code kind:detail}:
 * {@code cli:<user>}, {@code upgrade:<from>-><to>}, {@code drift:<model>}, {@code schedule},
 * {@code admin:<user>}. Callers of the admin API may claim only {@link Kind#CLI} and
 * {@link Kind#UPGRADE}; the others are the gateway's own. Immutable.
 */
public record EvalOwner(Kind kind, String detail) {
    // Printable, no spaces or quotes: the owner is shown in tables, reports and logs as one word.
    private static final Pattern DETAIL = Pattern.compile("[A-Za-z0-9._@+:/>\\-]{1,200}");

    public enum Kind {
        CLI,
        UPGRADE,
        DRIFT,
        SCHEDULE,
        ADMIN,
        /** Runs stored before owners were recorded. */
        UNKNOWN;

        /** The kind as written in the owner and in metric labels. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public EvalOwner {
        if (kind == Kind.SCHEDULE || kind == Kind.UNKNOWN) {
            detail = null;
        } else if (detail == null || !DETAIL.matcher(detail).matches()) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    "an owner " + kind.label()
                            + ":<detail> needs a detail of 1 to 200 letters, digits or . _ @ + : / > -");
        }
    }

    public static final EvalOwner SCHEDULE = new EvalOwner(Kind.SCHEDULE, null);
    public static final EvalOwner UNKNOWN = new EvalOwner(Kind.UNKNOWN, null);

    public static EvalOwner drift(String model) {
        return new EvalOwner(Kind.DRIFT, model);
    }

    /**
     * An owner a caller of the admin API names ({@code cli:<user>} or {@code upgrade:<from>-><to>});
     * anything else is refused with a message fit for the caller.
     */
    public static EvalOwner requested(String text) {
        EvalOwner owner = parse(text);
        if (owner.kind() != Kind.CLI && owner.kind() != Kind.UPGRADE) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    "owner must be cli:<user> or upgrade:<from>-><to>, got '" + text + "'");
        }
        return owner;
    }

    /** Reads a stored owner; null (runs before owners were recorded) or unreadable text is {@link #UNKNOWN}. */
    public static EvalOwner stored(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        try {
            return parse(text);
        } catch (EvalException e) {
            return UNKNOWN;
        }
    }

    private static EvalOwner parse(String text) {
        if (text == null || text.isBlank()) {
            throw new EvalException(EvalException.Kind.CONFIGURATION, "owner is empty");
        }
        int colon = text.indexOf(':');
        String kindText = colon < 0 ? text : text.substring(0, colon);
        Kind kind;
        try {
            kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    "owner must start with cli:, upgrade:, drift:, admin: or be schedule, got '" + text + "'");
        }
        return new EvalOwner(kind, colon < 0 ? null : text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return detail == null ? kind.label() : kind.label() + ":" + detail;
    }
}
