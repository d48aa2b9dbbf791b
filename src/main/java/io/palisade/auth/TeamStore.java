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

/** Teams in the store. Thread-safe: each call uses its own connection. */
public final class TeamStore {
    private final Database database;

    public TeamStore(Database database) {
        this.database = database;
    }

    public void insert(Team team) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO teams (id, name, allowed_models, created_at) VALUES (?, ?, ?, ?)")) {
            statement.setString(1, team.id());
            statement.setString(2, team.name());
            statement.setString(3, Columns.list(team.allowedModels()));
            statement.setString(4, Columns.instant(team.createdAt()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot create team " + team.name() + ": " + e.getMessage(), e);
        }
    }

    public void updateModels(String id, List<String> allowedModels) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("UPDATE teams SET allowed_models = ? WHERE id = ?")) {
            statement.setString(1, Columns.list(allowedModels));
            statement.setString(2, id);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update team " + id + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a team that no user or key refers to; returns false if it is still in use. */
    public boolean deleteIfUnused(String id) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM teams WHERE id = ? AND NOT EXISTS (SELECT 1 FROM users WHERE team_id = ?)"
                                + " AND NOT EXISTS (SELECT 1 FROM api_keys WHERE team_id = ? AND revoked_at IS NULL)")) {
            statement.setString(1, id);
            statement.setString(2, id);
            statement.setString(3, id);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot delete team " + id + ": " + e.getMessage(), e);
        }
    }

    public List<Team> all() {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT * FROM teams ORDER BY name");
                ResultSet rows = statement.executeQuery()) {
            List<Team> teams = new ArrayList<>();
            while (rows.next()) {
                teams.add(new Team(
                        rows.getString("id"),
                        rows.getString("name"),
                        Columns.list(rows.getString("allowed_models")),
                        Columns.instant(rows.getString("created_at"))));
            }
            return teams;
        } catch (SQLException e) {
            throw new StoreException("cannot list teams: " + e.getMessage(), e);
        }
    }

    /** By id or by name. */
    public Optional<Team> find(String idOrName) {
        return all().stream()
                .filter(t -> t.id().equals(idOrName) || t.name().equals(idOrName))
                .findFirst();
    }
}
