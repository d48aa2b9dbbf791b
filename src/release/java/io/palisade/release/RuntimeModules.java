package io.palisade.release;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The Java modules of the release's jlinked runtime. Pinned rather than computed at every build:
 * jdeps over the 33 MB jar takes half a minute, and a module that appears or disappears is a
 * change worth reading in review. RuntimeModulesIT checks the pin against jdeps.
 */
public final class RuntimeModules {
    /**
     * What jdeps finds in the jar. java.desktop is there for java.beans (used by libraries'
     * introspection), not for a GUI: the runtime runs headless and the image ships none of its
     * X11 libraries.
     */
    public static final List<String> PINNED = List.of(
            "java.base",
            "java.desktop",
            "java.naming",
            "java.net.http",
            "java.security.jgss",
            "java.sql",
            "jdk.management",
            "jdk.unsupported");

    private RuntimeModules() {}

    /** The modules jdeps says {@code jar} needs, sorted; the JDK running this must be the one that jlinks. */
    public static List<String> requiredBy(Path jar, int javaRelease) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is missing: run with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "--print-module-deps",
                "--ignore-missing-deps",
                "--multi-release",
                Integer.toString(javaRelease),
                jar.toString());
        if (status != 0) {
            throw new IllegalStateException("jdeps failed (" + status + "): " + err);
        }
        return Arrays.stream(out.toString().trim().split(",")).sorted().toList();
    }
}
