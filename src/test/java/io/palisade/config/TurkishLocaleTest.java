package io.palisade.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.audit.AuditExportFormat;
import io.palisade.auth.UserStatus;
import io.palisade.tracing.TraceContext;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Words Palisade reads and writes (config values, statuses, formats) do not depend on the host's
 * language: in a Turkish locale "I".toLowerCase() is a dotless "ı" and "i".toUpperCase() a dotted
 * "İ", which broke "INFO", "active" and the like when case was changed with the default locale.
 */
class TurkishLocaleTest {
    private Locale original;

    @BeforeEach
    void speakTurkish() {
        original = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(original);
    }

    @Test
    void configValuesStatusesAndFormatsReadTheSame() {
        PalisadeConfig config = new ConfigLoader(Map.of()).parse("""
                logging: {level: INFO, format: CONSOLE}
                audit: {content: TRUNCATED}
                metrics: {per_user: YES}
                """);
        assertThat(config.logging().level()).isEqualTo("info");
        assertThat(config.logging().format()).isEqualTo("console");
        assertThat(config.audit().content()).isEqualTo(AuditConfig.ContentCapture.TRUNCATED);
        assertThat(config.observability().perUserMetrics()).isTrue();

        assertThat(UserStatus.parse("active")).isEqualTo(UserStatus.ACTIVE);
        assertThat(UserStatus.DISABLED.wire()).isEqualTo("disabled");
        assertThat(AuditExportFormat.parse("JSONL")).isEqualTo(AuditExportFormat.parse("jsonl"));
        assertThat(TraceContext.from("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")
                        .traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
