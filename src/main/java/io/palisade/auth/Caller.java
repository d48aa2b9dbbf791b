package io.palisade.auth;

/**
 * An identified caller: the key presented, its owner and team (null when none), and the models
 * the key may use (its own grant plus its team's).
 */
public record Caller(ApiKey key, User user, Team team, ModelGrants grants) {
    public String teamName() {
        return team == null ? null : team.name();
    }
}
