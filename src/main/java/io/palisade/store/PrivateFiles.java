package io.palisade.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders (0700) and files (0600) only their owner can open: the store holds key hashes, the
 * audit trail and, with content capture, prompts; the first administrator key is written here too.
 * Permissions are given at creation (not set afterwards), so there is no moment when another user
 * could open the file. On file systems without POSIX permissions (Windows) the platform's defaults apply.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code folder} and any missing parents as 0700; an existing folder is left as it is. */
    public static void createFolder(Path folder) throws IOException {
        if (posix()) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
        } else {
            Files.createDirectories(folder);
        }
    }

    /** Creates {@code file} empty as 0600 unless it exists. */
    public static void createFile(Path file) throws IOException {
        try {
            if (posix()) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException exists) {
            // Someone (an earlier start) created it: restrictToOwner handles its permissions.
        }
    }

    /** Writes {@code content} to {@code file} (replacing it) through a 0600 file created beside it. */
    public static void write(Path file, String content) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        createFolder(folder);
        Path temporary = posix()
                ? Files.createTempFile(folder, ".palisade-", ".tmp", PosixFilePermissions.asFileAttribute(FILE))
                : Files.createTempFile(folder, ".palisade-", ".tmp");
        try {
            Files.writeString(temporary, content);
            Files.move(
                    temporary,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Takes group and other access away from an existing file (a store created by an earlier
     * version as 0644). A file this process may not change is reported, not fatal.
     */
    public static void restrictToOwner(Path file) {
        if (!posix() || !Files.exists(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                permissions.removeAll(OTHERS);
                Files.setPosixFilePermissions(file, permissions);
                LOG.info(
                        "{} was readable by other users; it is now {}",
                        file,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            LOG.warn(
                    "{} is readable by other users and its permissions could not be restricted: {}",
                    file,
                    e.toString());
        }
    }
}
