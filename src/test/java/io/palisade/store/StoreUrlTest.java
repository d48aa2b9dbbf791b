package io.palisade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreUrlTest {
    @Test
    void sqliteUrlsNameAnAbsoluteFile() {
        StoreUrl url = StoreUrl.parse("sqlite:./data/palisade.db");
        assertThat(url.kind()).isEqualTo(Dialect.SQLITE);
        assertThat(url.file()).isEqualTo(Path.of("./data/palisade.db").toAbsolutePath());
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:" + url.file());
        assertThat(url.user()).isNull();
        assertThat(url.password()).isNull();
        assertThat(url).hasToString("sqlite:./data/palisade.db");
        assertThat(StoreUrl.parse("jdbc:sqlite:/var/lib/p.db").file()).isEqualTo(Path.of("/var/lib/p.db"));
    }

    @Test
    void postgresqlCredentialsStayOutOfTheJdbcUrlAndThePrintedForm() {
        StoreUrl url = StoreUrl.parse("postgresql://palisade:s%40cret+1@db.internal:5433/gateway?sslmode=require");
        assertThat(url.kind()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/gateway?sslmode=require");
        assertThat(url.user()).isEqualTo("palisade");
        assertThat(url.password()).isEqualTo("s@cret+1");
        assertThat(url.file()).isNull();
        assertThat(url).hasToString("postgresql://palisade:***@db.internal:5433/gateway?sslmode=require");
    }

    @Test
    void jdbcFormAndCredentialsAsParametersAreAccepted() {
        StoreUrl url = StoreUrl.parse(
                "jdbc:postgresql://h1:5432,h2:5432/gateway?user=app&password=hunter2&targetServerType=primary");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/gateway?targetServerType=primary");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("hunter2");
        assertThat(url.toString())
                .isEqualTo("postgresql://app:***@h1:5432,h2:5432/gateway?targetServerType=primary")
                .doesNotContain("hunter2");
    }

    @Test
    void withoutPasswordOrUserNothingIsMasked() {
        assertThat(StoreUrl.parse("postgresql://postgres@127.0.0.1:5432/db_1"))
                .hasToString("postgresql://postgres@127.0.0.1:5432/db_1");
        StoreUrl anonymous = StoreUrl.parse("postgresql://localhost/palisade");
        assertThat(anonymous.user()).isNull();
        assertThat(anonymous).hasToString("postgresql://localhost/palisade");
    }

    @Test
    void invalidUrlsAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://app:topsecret@/palisade"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://app:topsecret@db"))
                .hasMessageContaining("no database name")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> StoreUrl.parse("mysql://app:topsecret@db/palisade"))
                .hasMessageContaining("expected sqlite:PATH or postgresql://")
                .hasMessageContaining("mysql://app:***@db/palisade")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> StoreUrl.parse("sqlite:")).hasMessageContaining("no path");
    }
}
