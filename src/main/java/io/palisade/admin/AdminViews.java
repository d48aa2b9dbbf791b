package io.palisade.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.admission.LimitsRegistry;
import io.palisade.auth.ApiKey;
import io.palisade.auth.Team;
import io.palisade.auth.User;
import io.palisade.store.LimitsStore;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The admin API's JSON shapes. Secrets appear only in {@link #issuedKey}, once. */
final class AdminViews {
    private final ObjectMapper json;
    private final LimitsRegistry limits;

    AdminViews(ObjectMapper json, LimitsRegistry limits) {
        this.json = json;
        this.limits = limits;
    }

    ObjectNode user(User user, Map<String, Team> teamsById) {
        ObjectNode node = json.createObjectNode();
        node.put("id", user.id());
        node.put("email", user.email());
        node.put("name", user.name());
        Team team = user.teamId() == null ? null : teamsById.get(user.teamId());
        node.put("team", team == null ? null : team.name());
        node.put("status", user.status().wire());
        node.put("admin", user.admin());
        node.put("created_at", user.createdAt().toString());
        return node;
    }

    ObjectNode team(Team team) {
        ObjectNode node = json.createObjectNode();
        node.put("id", team.id());
        node.put("name", team.name());
        ArrayNode models = node.putArray("allowed_models");
        team.allowedModels().forEach(models::add);
        node.put("created_at", team.createdAt().toString());
        return node;
    }

    ObjectNode key(ApiKey key, Map<String, User> usersById, Map<String, Team> teamsById) {
        ObjectNode node = json.createObjectNode();
        node.put("id", key.id());
        User user = usersById.get(key.userId());
        node.put("user", user == null ? key.userId() : user.email());
        Team team = key.teamId() == null ? null : teamsById.get(key.teamId());
        node.put("team", team == null ? null : team.name());
        ArrayNode models = node.putArray("allowed_models");
        key.allowedModels().forEach(models::add);
        ArrayNode fallbacks = node.putArray("fallback_models");
        key.fallbackModels().forEach(fallbacks::add);
        // The enforced value, from the key's limits (0 = unlimited): the same that `limits show` prints.
        Integer requestsPerMinute =
                limits.effective(LimitsStore.Scope.KEY, key.id()).requestsPerMinute();
        if (requestsPerMinute == null) {
            node.putNull("requests_per_minute");
        } else {
            node.put("requests_per_minute", requestsPerMinute);
        }
        node.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
        node.put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
        node.put("label", key.label());
        node.put("admin", key.admin());
        node.put("created_at", key.createdAt().toString());
        return node;
    }

    ObjectNode issuedKey(IdentityAdmin.IssuedKey issued, Map<String, User> usersById, Map<String, Team> teamsById) {
        ObjectNode node = key(issued.key(), usersById, teamsById);
        node.put("key", issued.token());
        node.put("note", "this key is shown once; store it now");
        return node;
    }

    ObjectNode list(List<ObjectNode> items) {
        ObjectNode node = json.createObjectNode();
        node.put("object", "list");
        ArrayNode data = node.putArray("data");
        items.forEach(data::add);
        return node;
    }

    static <T> Map<String, T> index(List<T> items, Function<T, String> id) {
        return items.stream().collect(Collectors.toMap(id, Function.identity()));
    }
}
