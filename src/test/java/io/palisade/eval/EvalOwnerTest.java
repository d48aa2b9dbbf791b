package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EvalOwnerTest {
    @Test
    void callersMayNameCliAndUpgradeOwnersOnly() {
        assertThat(EvalOwner.requested("upgrade:1.2.0->1.3.0").toString()).isEqualTo("upgrade:1.2.0->1.3.0");
        assertThat(EvalOwner.requested("cli:alice@example.com").kind()).isEqualTo(EvalOwner.Kind.CLI);
        assertThatThrownBy(() -> EvalOwner.requested("schedule")).hasMessageContaining("cli:<user> or upgrade");
        assertThatThrownBy(() -> EvalOwner.requested("drift:chat")).hasMessageContaining("cli:<user> or upgrade");
        assertThatThrownBy(() -> EvalOwner.requested("cli:")).hasMessageContaining("needs a detail");
        assertThatThrownBy(() -> EvalOwner.requested("cli:a b")).hasMessageContaining("needs a detail");
        assertThatThrownBy(() -> EvalOwner.requested("root:x")).hasMessageContaining("must start with");
    }

    @Test
    void storedOwnersReadBackAndOldRunsAreUnknown() {
        assertThat(EvalOwner.stored("drift:chat")).isEqualTo(EvalOwner.drift("chat"));
        assertThat(EvalOwner.stored("schedule")).isEqualTo(EvalOwner.SCHEDULE);
        assertThat(EvalOwner.stored(null).toString()).isEqualTo("unknown");
        assertThat(EvalOwner.stored("garbage here")).isEqualTo(EvalOwner.UNKNOWN);
    }
}
