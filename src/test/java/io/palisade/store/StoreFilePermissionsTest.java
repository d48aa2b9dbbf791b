package io.palisade.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store's folder and files are its owner's only, whatever the process's umask
 * (which gave 0755 and 0644 before): the folder 0700, the database, -wal and -shm 0600.
 */
class StoreFilePermissionsTest {
    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aNewStoreIsCreatedReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve("palisade.db");
        try (Database database = Database.open("sqlite:" + file);
                Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE permission_probe (x INTEGER)");
            statement.execute("INSERT INTO permission_probe VALUES (1)");

            assertThat(permissions(file.getParent())).isEqualTo("rwx------");
            assertThat(permissions(file)).isEqualTo("rw-------");
            assertThat(Path.of(file + "-wal")).exists();
            assertThat(permissions(Path.of(file + "-wal"))).isEqualTo("rw-------");
            assertThat(Path.of(file + "-shm")).exists();
            assertThat(permissions(Path.of(file + "-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void anExistingStoreReadableByOthersIsRestrictedWhenOpened(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.db");
        Database.open("sqlite:" + file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Database.open("sqlite:" + file).close();

        assertThat(permissions(file)).isEqualTo("rw-------");
    }
}
