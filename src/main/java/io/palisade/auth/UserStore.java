package io.palisade.auth;

import io.palisade.store.Columns;
import io.palisade.store.Database;
import io.palisade.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users in the store. Thread-safe: each call uses its own connection. */
public final class UserStore {
    private final Database database;

    public UserStore(Database database) {
        this.database = database;
    }

    public void insert(User user) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO users (id, email, name, team_id, status, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, user.id());
            statement.setString(2, user.email());
            statement.setString(3, user.name());
            statement.setString(4, user.teamId());
            statement.setString(5, user.status().wire());
            statement.setInt(6, user.admin() ? 1 : 0);
            statement.setString(7, Columns.instant(user.createdAt()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot create user " + user.email() + ": " + e.getMessage(), e);
        }
    }

    public void updateStatus(String id, UserStatus status) {
        update("UPDATE users SET status = ? WHERE id = ?", status.wire(), id);
    }

    public void updateTeam(String id, String teamId) {
        update("UPDATE users SET team_id = ? WHERE id = ?", teamId, id);
    }

    public void markExported(String id, long throughSeq) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        // CASE, not SQLite's two-argument MAX or PostgreSQL's GREATEST: both stores know it.
                        "UPDATE users SET audit_exported_seq = CASE WHEN audit_exported_seq > ? THEN audit_exported_seq ELSE ? END"
                                + " WHERE id = ?")) {
            statement.setLong(1, throughSeq);
            statement.setLong(2, throughSeq);
            statement.setString(3, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record the export for user " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Erasure: deletes the user and their keys, and replaces their email in the usage records
     * with their id (reports keep counting them apart, as nobody), in one transaction.
     */
    public void erase(String id) {
        deleteWithKeys(id, "erase", connection -> {
            try (PreparedStatement usage =
                    connection.prepareStatement("UPDATE usage_events SET user_email = ? WHERE user_id = ?")) {
                usage.setString(1, id);
                usage.setString(2, id);
                usage.executeUpdate();
            }
        });
    }

    /** Deletes the user and their keys in one transaction. */
    public void delete(String id) {
        deleteWithKeys(id, "delete", connection -> {});
    }

    /** What runs before the deletion, in its transaction. */
    private interface BeforeDeletion {
        void run(Connection connection) throws SQLException;
    }

    private void deleteWithKeys(String id, String verb, BeforeDeletion before) {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement keys = connection.prepareStatement("DELETE FROM api_keys WHERE user_id = ?");
                    PreparedStatement user = connection.prepareStatement("DELETE FROM users WHERE id = ?")) {
                before.run(connection);
                keys.setString(1, id);
                keys.executeUpdate();
                user.setString(1, id);
                user.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + verb + " user " + id + ": " + e.getMessage(), e);
        }
    }

    public List<User> all() {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT * FROM users ORDER BY email");
                ResultSet rows = statement.executeQuery()) {
            List<User> users = new ArrayList<>();
            while (rows.next()) {
                users.add(new User(
                        rows.getString("id"),
                        rows.getString("email"),
                        rows.getString("name"),
                        rows.getString("team_id"),
                        UserStatus.parse(rows.getString("status")),
                        rows.getInt("is_admin") == 1,
                        Columns.instant(rows.getString("created_at")),
                        rows.getLong("audit_exported_seq")));
            }
            return users;
        } catch (SQLException e) {
            throw new StoreException("cannot list users: " + e.getMessage(), e);
        }
    }

    /** By id or by email. */
    public Optional<User> find(String idOrEmail) {
        return all().stream()
                .filter(u -> u.id().equals(idOrEmail) || u.email().equalsIgnoreCase(idOrEmail))
                .findFirst();
    }

    private void update(String sql, String value, String id) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, value);
            statement.setString(2, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update user " + id + ": " + e.getMessage(), e);
        }
    }
}
