package io.palisade.tls;

import java.nio.file.Path;

/**
 * A certificate, key or CA file that cannot be used: the message names the file and the problem
 * (never a parser's internals), fit to show an operator as it is.
 */
public final class TlsFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Not serialised: the exception never leaves the process. */
    private final transient Path file;

    public TlsFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file the problem is about. */
    public Path file() {
        return file;
    }
}
