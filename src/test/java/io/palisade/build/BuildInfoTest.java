package io.palisade.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    @Test
    void theBuildDescriptionIsFilledInByTheBuild() {
        BuildInfo build = BuildInfo.current();

        assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(build.buildDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        // This repository is built from git: a 40-hex commit (a build outside git says "unknown").
        assertThat(build.commit()).matches("[0-9a-f]{40}");
    }

    @Test
    void aBuildOutsideGitSaysUnknownInsteadOfAPlaceholder() {
        Properties properties = new Properties();
        properties.setProperty("version", "0.17.0");
        properties.setProperty("commit", "${buildNumber}");
        properties.setProperty("build_date", "2026-12-08T00:00:00Z");

        BuildInfo build = BuildInfo.from(properties, "21.0.5+11");

        assertThat(build).isEqualTo(new BuildInfo("0.17.0", "unknown", "2026-12-08T00:00:00Z", "21.0.5+11"));
        assertThat(build.versionLines())
                .containsExactly("palisade 0.17.0", "commit unknown", "built 2026-12-08T00:00:00Z", "java 21.0.5+11");
    }

    @Test
    void missingValuesAreUnknown() {
        Properties properties = new Properties();
        properties.setProperty("commit", "50e712f6e869434af25181215ec0b56a8a1f6f7a");

        BuildInfo build = BuildInfo.from(properties, "25");

        assertThat(build.commit()).isEqualTo("50e712f6e869434af25181215ec0b56a8a1f6f7a");
        assertThat(build.version()).isEqualTo("unknown");
        assertThat(build.buildDate()).isEqualTo("unknown");
    }
}
