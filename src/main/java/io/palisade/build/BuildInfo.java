package io.palisade.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build of Palisade is: its version, the git commit it was built from and when, and the
 * Java runtime running it. Written into {@code io/palisade/build/build.properties} by the build
 * (resource filtering and buildnumber-maven-plugin); a value the build could not know (a build
 * outside git, classes run without the filtered resource) reads as {@value #UNKNOWN}. Immutable.
 *
 * @param version the release version (the pom's), e.g. 0.17.0
 * @param commit the full commit id
 * @param buildDate the build's UTC time, ISO-8601
 * @param java the running Java runtime's version
 */
public record BuildInfo(String version, String commit, String buildDate, String java) {
    public static final String UNKNOWN = "unknown";
    /** The resource beside this class; in the jar: io/palisade/build/build.properties. */
    public static final String RESOURCE = "build.properties";

    private static final BuildInfo CURRENT = load();

    /** This build's description, read once from the class path. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** The version lines of {@code palisade --version}. */
    public String[] versionLines() {
        return new String[] {
            "palisade " + version, "commit " + commit, "built " + buildDate, "java " + java,
        };
    }

    /** A build description read from {@code build.properties} (the release builder reads the jar's own). */
    public static BuildInfo from(Properties properties, String javaVersion) {
        return new BuildInfo(
                value(properties, "version"),
                value(properties, "commit"),
                value(properties, "build_date"),
                javaVersion);
    }

    private static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build description " + RESOURCE, e);
        }
        return from(properties, Runtime.version().toString());
    }

    /** A placeholder the build left unreplaced (no git) is as unknown as a missing value. */
    private static String value(Properties properties, String key) {
        String value = properties.getProperty(key, "").trim();
        return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
    }
}
