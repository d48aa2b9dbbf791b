package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.lang.management.ManagementFactory;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The estimator's bounds: linear work in bounded slices for any text the body limit admits (a
 * long run without spaces made BPE superlinear and ran a 256 MB heap out of memory), and counts
 * that match cl100k exactly on ordinary text and never fall below it on long runs.
 */
class TokenEstimatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private final TokenEstimator estimator = new TokenEstimator();

    @Test
    void twoMillionCharactersWithoutSpacesAreEstimatedInBoundedMemory() {
        ObjectNode body = JSON.createObjectNode().put("model", "m");
        body.putArray("messages").addObject().put("role", "user").put("content", "x".repeat(2_000_000));
        estimator.count("load the vocabulary first");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        long estimate = estimator.estimate(body);

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // cl100k counts eight x's as one token; the estimate adds its margin on top.
        assertThat(estimate).isGreaterThanOrEqualTo(250_000 + 250_000 / 4);
        // A guard, not a benchmark: sliced, the tokenizer's short-lived work is about 125 bytes per
        // character (250 MB here, garbage of one slice at a time); in one BPE pass over the whole run
        // it was four times that, and what it kept alive ran a 256 MB heap out of memory.
        assertThat(allocated).isLessThan(512L * 1024 * 1024);
    }

    @Test
    void slicesAreBoundedContiguousAndLinearInNumber() {
        Random random = new Random(15);
        for (String text : new String[] {
            "x".repeat(100_000),
            letters(random, 100_000),
            " ".repeat(50_000),
            prose(random, 100_000),
            "\uD83D\uDE00".repeat(40_000),
            "a" + " ".repeat(5_000) + "b".repeat(5_000),
            ""
        }) {
            int slices = 0;
            for (int start = 0; start < text.length(); slices++) {
                int end = TokenEstimator.sliceEnd(text, start);
                assertThat(end - start).isBetween(1, TokenEstimator.MAX_SLICE);
                assertThat(Character.isLowSurrogate(text.charAt(end - 1))
                                || !Character.isHighSurrogate(text.charAt(end - 1))
                                || end == text.length())
                        .as("no surrogate pair is cut")
                        .isTrue();
                start = end;
            }
            // Every slice but the last is at least a run's length: the slice count is linear in the text.
            assertThat(slices).isLessThanOrEqualTo(text.length() / (TokenEstimator.MAX_RUN - 1) + 1);
        }
    }

    @Test
    void ordinaryTextCountsExactlyAsCl100k() {
        String text = prose(new Random(7), 200_000);
        assertThat(estimator.count(text)).isEqualTo(CL100K.countTokensOrdinary(text));
        String code = "def f(x):\n    return {\"a\": x * 2}  # comment\n".repeat(2_000);
        assertThat(estimator.count(code)).isEqualTo(CL100K.countTokensOrdinary(code));
    }

    @Test
    void longRunsCountNoFewerThanCl100kAndOnlySlightlyMore() {
        Random random = new Random(3);
        byte[] bytes = new byte[15_000];
        random.nextBytes(bytes);
        for (String text : new String[] {
            Base64.getEncoder().encodeToString(bytes),
            letters(random, 20_000),
            "x".repeat(20_000),
            "=".repeat(20_000),
            "\u4e2d\u6587".repeat(10_000)
        }) {
            long exact = CL100K.countTokensOrdinary(text);
            assertThat(estimator.count(text)).as(text.substring(0, 10)).isBetween(exact, exact + exact / 50 + 1);
        }
    }

    private static String letters(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static String prose(Random random, int length) {
        String[] words = {
            "the", "gateway", "admits", "a", "request", "when", "its", "estimate", "fits,", "and", "42", "tokens."
        };
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? "\n\n" : " ");
        }
        return text.toString();
    }
}
