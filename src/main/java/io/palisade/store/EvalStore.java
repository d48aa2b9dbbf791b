package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluation runs and per-case results; result bodies are JSON written by the eval package. A run's
 * {@code owner} says who or what started it (null for runs stored before V12). Thread-safe.
 */
public final class EvalStore {
    private final Database database;

    public EvalStore(Database database) {
        this.database = database;
    }

    public record RunRow(
            String id,
            String createdAt,
            String finishedAt,
            String status,
            String generator,
            String judge,
            String goldenName,
            String goldenHash,
            String config,
            String summary,
            String owner) {}

    public record ResultRow(String caseId, int repeatIndex, String body) {}

    public void insert(RunRow run) {
        update(
                "INSERT INTO eval_runs (id, created_at, finished_at, status, generator, judge, golden_name, golden_hash, config, summary, owner)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run.id(),
                run.createdAt(),
                run.finishedAt(),
                run.status(),
                run.generator(),
                run.judge(),
                run.goldenName(),
                run.goldenHash(),
                run.config(),
                run.summary(),
                run.owner());
    }

    public void finish(String id, String status, String finishedAt, String summary) {
        update(
                "UPDATE eval_runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                status,
                finishedAt,
                summary,
                id);
    }

    /** Replaces the results of a run (a re-judge rewrites verdicts for the same answers). */
    public void saveResults(String runId, List<ResultRow> results) {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM eval_results WHERE run_id = ?");
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO eval_results (run_id, case_id, repeat_index, body) VALUES (?, ?, ?, ?)")) {
                delete.setString(1, runId);
                delete.executeUpdate();
                for (ResultRow result : results) {
                    insert.setString(1, runId);
                    insert.setString(2, result.caseId());
                    insert.setInt(3, result.repeatIndex());
                    insert.setString(4, result.body());
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot store evaluation results: " + e.getMessage(), e);
        }
    }

    public Optional<RunRow> run(String id) {
        List<RunRow> rows = runs("SELECT * FROM eval_runs WHERE id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Newest first. */
    public List<RunRow> runs(int limit) {
        return runs("SELECT * FROM eval_runs ORDER BY created_at DESC LIMIT " + Math.max(1, Math.min(limit, 10_000)));
    }

    public List<ResultRow> results(String runId) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT case_id, repeat_index, body FROM eval_results WHERE run_id = ? ORDER BY case_id, repeat_index")) {
            statement.setString(1, runId);
            List<ResultRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new ResultRow(result.getString(1), result.getInt(2), result.getString(3)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("cannot read evaluation results: " + e.getMessage(), e);
        }
    }

    private List<RunRow> runs(String sql, String... parameters) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<RunRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new RunRow(
                            result.getString("id"),
                            result.getString("created_at"),
                            result.getString("finished_at"),
                            result.getString("status"),
                            result.getString("generator"),
                            result.getString("judge"),
                            result.getString("golden_name"),
                            result.getString("golden_hash"),
                            result.getString("config"),
                            result.getString("summary"),
                            result.getString("owner")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("cannot read evaluation runs: " + e.getMessage(), e);
        }
    }

    private void update(String sql, String... values) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store the evaluation run: " + e.getMessage(), e);
        }
    }
}
