package io.palisade.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's shared libraries a jlinked runtime needs (glibc, libm, libz, the dynamic loader): an
 * image built from scratch has none, and no base image can be pulled here. Found with ldd, as
 * paths on this host; the image puts each file at the same path.
 */
final class SharedLibraries {
    /**
     * java.desktop's GUI libraries link X11 and ALSA; a headless server never loads them
     * (java.awt.headless=true in the image), so their dependencies stay out.
     */
    private static final Set<String> NEVER_LOADED_HEADLESS =
            Set.of("libawt_xawt.so", "libjawt.so", "libsplashscreen.so", "libjsound.so");

    /** "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and the loader's "/lib64/ld-linux-x86-64.so.2 (0x…)". */
    private static final Pattern RESOLVED = Pattern.compile("=>\\s+(/\\S+)\\s+\\(");

    /**
     * "libjvm.so => not found": the JVM's libraries find libjvm.so (lib/server) because libjli
     * loads it first by path, not through the search path ldd follows; any other miss is a real one.
     */
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+not found");

    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+)\\s+\\(");

    private SharedLibraries() {}

    /** Absolute paths of the host libraries the runtime's executables and libraries link, outside the runtime. */
    static Set<Path> neededBy(Path runtime) throws IOException, InterruptedException {
        Set<Path> needed = new TreeSet<>();
        for (Path file : Checksums.filesBelow(runtime)) {
            String name = file.getFileName().toString();
            boolean executable = file.getParent().getFileName().toString().equals("bin");
            if ((name.endsWith(".so") || executable) && !NEVER_LOADED_HEADLESS.contains(name)) {
                needed.addAll(ldd(file, runtime));
            }
        }
        return needed;
    }

    private static boolean inRuntime(String library, Path runtime) throws IOException {
        return Checksums.filesBelow(runtime).stream()
                .anyMatch(file -> file.getFileName().toString().equals(library));
    }

    private static Set<Path> ldd(Path file, Path runtime) throws IOException, InterruptedException {
        Process ldd = new ProcessBuilder("ldd", file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ldd.waitFor() != 0) {
            throw new IOException("ldd " + file + " failed: " + output.strip());
        }
        Set<Path> paths = new TreeSet<>();
        for (String line : output.lines().toList()) {
            Matcher missing = NOT_FOUND.matcher(line);
            if (missing.find() && !inRuntime(missing.group(1), runtime)) {
                throw new IOException("ldd " + file + ": " + missing.group(1) + " is missing on the build host");
            }
            Matcher resolved = RESOLVED.matcher(line);
            Matcher loader = LOADER.matcher(line);
            Path path = resolved.find() ? Path.of(resolved.group(1)) : loader.find() ? Path.of(loader.group(1)) : null;
            if (path != null && !path.toRealPath().startsWith(runtime.toRealPath()) && Files.exists(path)) {
                paths.add(path);
            }
        }
        return paths;
    }
}
