package io.palisade.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatedTokenizerTest {
    private final SimulatedTokenizer tokenizer = new SimulatedTokenizer();

    @Test
    void wordsAndPunctuationMarksAreTokens() {
        assertThat(tokenizer.tokens("What's up, doc?")).containsExactly("What", "'", "s", "up", ",", "doc", "?");
        assertThat(tokenizer.count("What's up, doc?")).isEqualTo(7);
        assertThat(tokenizer.count("{\"a\":12}")).isEqualTo(7);
    }

    @Test
    void whitespaceIsNotAToken() {
        assertThat(tokenizer.count("")).isZero();
        assertThat(tokenizer.count("  \n\t ")).isZero();
        assertThat(tokenizer.count("  two   words  ")).isEqualTo(2);
    }

    @Test
    void piecesCarryTheirLeadingWhitespaceAndRejoinExactly() {
        String text = "  Hello,  world!\nBye ";

        assertThat(tokenizer.pieces(text)).containsExactly("  Hello", ",", "  world", "!", "\nBye ");
        assertThat(String.join("", tokenizer.pieces(text))).isEqualTo(text);
        assertThat(tokenizer.pieces(text)).hasSize(tokenizer.count(text));
    }

    @Test
    void textWithoutTokensIsOnePieceOrNone() {
        assertThat(tokenizer.pieces("")).isEmpty();
        assertThat(tokenizer.pieces("   ")).containsExactly("   ");
    }

    @Test
    void handlesLettersOutsideAscii() {
        assertThat(tokenizer.tokens("Grüße, 東京 😀!")).containsExactly("Grüße", ",", "東京", "😀", "!");
    }
}
