package io.palisade.release;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;

/** Builds the release's own Java runtime with jlink: only {@link RuntimeModules#PINNED}, no debug symbols, no man pages. */
final class JavaRuntime {
    private JavaRuntime() {}

    /** jlinks into {@code output}, which must not exist yet (jlink refuses to overwrite). */
    static Path link(Path output) throws IOException {
        Files.createDirectories(output.getParent());
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("jlink is missing: run with a JDK, not a JRE"));
        StringWriter err = new StringWriter();
        int status = jlink.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "--add-modules",
                String.join(",", RuntimeModules.PINNED),
                "--strip-debug",
                "--no-man-pages",
                "--no-header-files",
                "--compress",
                "zip-6",
                "--output",
                output.toString());
        if (status != 0) {
            throw new IllegalStateException("jlink failed (" + status + "): " + err);
        }
        return output;
    }
}
