package io.palisade.backup;

/** A backup or restore refused or failed; the message is one line fit for the operator, and says what to do. */
public final class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
