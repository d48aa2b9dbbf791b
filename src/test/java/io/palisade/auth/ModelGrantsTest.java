package io.palisade.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGrantsTest {
    @Test
    void emptyGrantAllowsNothing() {
        assertThat(ModelGrants.none().allows("llama3.2:1b")).isFalse();
        assertThat(ModelGrants.of(List.of()).allows("")).isFalse();
    }

    @Test
    void exactNamesAndPatterns() {
        ModelGrants grants = ModelGrants.of(List.of("qwen3:0.6b", "llama*"));
        assertThat(grants.allows("qwen3:0.6b")).isTrue();
        assertThat(grants.allows("qwen3:32b")).isFalse();
        assertThat(grants.allows("llama3.2:1b")).isTrue();
        assertThat(grants.allows("codellama")).isFalse();
        assertThat(ModelGrants.of(List.of("*")).allows("anything")).isTrue();
    }

    @Test
    void patternCharactersOtherThanStarAreLiteral() {
        ModelGrants grants = ModelGrants.of(List.of("a.b", "x(y)*"));
        assertThat(grants.allows("a.b")).isTrue();
        assertThat(grants.allows("axb")).isFalse();
        assertThat(grants.allows("x(y)z")).isTrue();
    }

    @Test
    void unionCombinesKeyAndTeamGrants() {
        ModelGrants grants = ModelGrants.of(List.of("a")).union(ModelGrants.of(List.of("b", "a")));
        assertThat(grants.patterns()).containsExactly("a", "b");
        assertThat(grants.allows("b")).isTrue();
    }
}
