package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {
    @Test
    void theDefaultLimitLeavesDescriptorsForEverythingElseAndTwoPerProxiedRequest() {
        assertThat(ConnectionBudget.forDescriptorLimit(1024)).isEqualTo(384);
        assertThat(ConnectionBudget.forDescriptorLimit(65_536)).isEqualTo(32_640);
        assertThat(ConnectionBudget.forDescriptorLimit(100))
                .as("never below a working minimum")
                .isEqualTo(16);
    }

    @Test
    void aConfiguredLimitWins() {
        assertThat(ConnectionBudget.resolve(7)).isEqualTo(7);
        assertThat(ConnectionBudget.resolve(0))
                .isEqualTo(ConnectionBudget.forDescriptorLimit(ConnectionBudget.descriptorLimit()));
    }
}
