package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeProtocolTest {
    private final JudgeProtocol protocol = new JudgeProtocol(new ObjectMapper());

    @Test
    void thePromptCarriesEverySectionTheJudgeNeeds() {
        String prompt = protocol.prompt("What is 2+2?", List.of("4"), null, "It is 4.");
        assertThat(prompt)
                .contains("### Question\nWhat is 2+2?")
                .contains("### Expected key points\n- 4")
                .contains("### Reference answer\n(none)")
                .contains("### Answer to grade\nIt is 4.")
                .contains("\"verdict\"");
    }

    @Test
    void verdictsAreReadRobustly() {
        assertThat(protocol.parse("{\"verdict\":\"pass\",\"score\":0.9,\"reason\":\"ok\"}"))
                .isEqualTo(new JudgeVerdict(true, 0.9, "ok"));
        assertThat(
                        protocol.parse(
                                "Here is my assessment:\n```json\n{\"verdict\": \"FAIL\", \"score\": 0, \"reason\": \"missing {x}\"}\n```"))
                .isEqualTo(new JudgeVerdict(false, 0, "missing {x}"));
        assertThat(protocol.parse("<think>{\"verdict\":\"pass\"} hmm</think>{\"verdict\":\"fail\",\"reason\":\"no\"}")
                        .pass())
                .isFalse();
        assertThat(protocol.parse("{\"note\":1} then {\"verdict\":\"pass\"}").pass())
                .isTrue();
        assertThat(protocol.parse("Sure! The verdict is pass")).isNull();
        assertThat(protocol.parse("{\"verdict\":\"pass\",\"score\":")).isNull();
        assertThat(protocol.parse("{\"verdict\":\"maybe\"}")).isNull();
        assertThat(protocol.parse(null)).isNull();
        assertThat(protocol.parse("{\"verdict\":\"pass\",\"score\":7}").score()).isEqualTo(1.0);
    }

    @Test
    void reasoningIsStrippedFromAnswers() {
        assertThat(JudgeProtocol.stripThinking("<think>let me think</think>\nParis"))
                .isEqualTo("Paris");
        assertThat(JudgeProtocol.stripThinking("<think>never closed")).isEmpty();
        assertThat(JudgeProtocol.stripThinking("plain")).isEqualTo("plain");
    }
}
