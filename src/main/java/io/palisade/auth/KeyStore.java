package io.palisade.auth;

import io.palisade.store.Columns;
import io.palisade.store.Database;
import io.palisade.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** API keys in the store (hashes only). Thread-safe: each call uses its own connection. */
public final class KeyStore {
    private final Database database;

    public KeyStore(Database database) {
        this.database = database;
    }

    /**
     * Stores a new key with its limits ({@code limitsJson}, null for none) in one statement, so a
     * key never exists without the limits it was created with.
     */
    public void insert(ApiKey key, String limitsJson) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO api_keys (id, secret_hash, user_id, team_id, allowed_models, limits,"
                                + " expires_at, revoked_at, label, is_admin, created_at, fallback_models) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, key.id());
            statement.setString(2, key.secretHash());
            statement.setString(3, key.userId());
            statement.setString(4, key.teamId());
            statement.setString(5, Columns.list(key.allowedModels()));
            statement.setString(6, limitsJson);
            statement.setString(7, Columns.instant(key.expiresAt()));
            statement.setString(8, Columns.instant(key.revokedAt()));
            statement.setString(9, key.label());
            statement.setInt(10, key.admin() ? 1 : 0);
            statement.setString(12, Columns.list(key.fallbackModels()));
            statement.setString(11, Columns.instant(key.createdAt()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot create key: " + e.getMessage(), e);
        }
    }

    public void updateFallbacks(String id, List<String> fallbackModels) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("UPDATE api_keys SET fallback_models = ? WHERE id = ?")) {
            statement.setString(1, Columns.list(fallbackModels));
            statement.setString(2, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update key " + id + ": " + e.getMessage(), e);
        }
    }

    public void revoke(String id, Instant at) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            statement.setString(1, Columns.instant(at));
            statement.setString(2, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot revoke key " + id + ": " + e.getMessage(), e);
        }
    }

    public List<ApiKey> all() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT * FROM api_keys ORDER BY created_at, id");
                ResultSet rows = statement.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(new ApiKey(
                        rows.getString("id"),
                        rows.getString("secret_hash"),
                        rows.getString("user_id"),
                        rows.getString("team_id"),
                        Columns.list(rows.getString("allowed_models")),
                        Columns.instant(rows.getString("expires_at")),
                        Columns.instant(rows.getString("revoked_at")),
                        rows.getString("label"),
                        rows.getInt("is_admin") == 1,
                        Columns.instant(rows.getString("created_at")),
                        Columns.list(rows.getString("fallback_models"))));
            }
            return keys;
        } catch (SQLException e) {
            throw new StoreException("cannot list keys: " + e.getMessage(), e);
        }
    }

    public Optional<ApiKey> find(String id) {
        return all().stream().filter(k -> k.id().equals(id)).findFirst();
    }
}
