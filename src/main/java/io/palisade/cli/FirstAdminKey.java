package io.palisade.cli;

import io.palisade.store.PrivateFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands the administrator key created on a store's first start to the operator. Standard output
 * is often a log collector (systemd's journal, docker logs, Kubernetes), where a secret would be
 * kept and shipped for anyone with log access, so the key is printed only on an interactive
 * terminal; otherwise it goes to {@value #FILE_NAME} (0600) in the data directory and only that
 * path is printed.
 */
final class FirstAdminKey {
    static final String FILE_NAME = "admin-key";

    private FirstAdminKey() {}

    static void announce(String key, boolean interactive, Path dataDirectory, PrintStream out) {
        out.println();
        if (interactive) {
            out.println("First start: an administrator key was created. It is shown only this once; store it now:");
            out.println();
            out.println("    " + key);
            out.println();
            out.println("Use it with the admin CLI:  export PALISADE_ADMIN_KEY=" + key);
            return;
        }
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        try {
            PrivateFiles.write(file, key + "\n");
        } catch (IOException e) {
            throw new CliException(
                    "the first administrator key could not be written to " + file + " (" + e.getMessage()
                            + "); it is not printed because this output is not a terminal. Set PALISADE_ADMIN_KEY to register one "
                            + "of your choice at the next start",
                    1);
        }
        out.println("First start: an administrator key was created and written to " + file
                + " (readable by this user only).");
        out.println("Store it somewhere safe, then delete the file. Use it with:  export PALISADE_ADMIN_KEY=$(cat "
                + file + ")");
    }

    /** A reminder on later starts while the key file is still lying in the data directory. */
    static void remindIfLeftBehind(Path dataDirectory, PrintStream out) {
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        if (Files.exists(file)) {
            out.println("  note: the first administrator key is still in " + file
                    + "; store it elsewhere and delete the file");
        }
    }
}
