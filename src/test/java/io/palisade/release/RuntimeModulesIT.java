package io.palisade.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pinned module list of the jlinked runtime is the one jdeps finds in the jar. */
class RuntimeModulesIT {
    @Test
    void thePinnedModulesAreExactlyWhatTheJarNeeds() {
        assertThat(RuntimeModules.requiredBy(ReleaseFixture.JAR, 21))
                .as("jdeps over target/palisade.jar: update RuntimeModules.PINNED and docs/decisions.md")
                .containsExactlyElementsOf(
                        RuntimeModules.PINNED.stream().sorted().toList());
    }
}
