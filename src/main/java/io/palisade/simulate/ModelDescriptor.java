package io.palisade.simulate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulator claims about one model, all derived from its name so that a config needs
 * nothing but names. Family and size come from the name the way Ollama's catalogue names read:
 * {@code "llama3.2:1b"} is a 1B model of family {@code llama}.
 *
 * @param name the name as configured
 * @param family architecture family, as Ollama reports it in {@code details.family}
 * @param parameterSize human-readable size such as {@code "1B"}
 * @param parameterCount number of weights
 * @param quantizationLevel such as {@code "Q4_K_M"}
 * @param embedding whether this is an embedding-only model
 * @param embeddingLength width of the model's hidden state, reported in {@code model_info}
 * @param contextLength maximum context the model supports
 */
record ModelDescriptor(
        String name,
        String family,
        String parameterSize,
        long parameterCount,
        String quantizationLevel,
        boolean embedding,
        int embeddingLength,
        int contextLength) {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([bm])(?![a-z])");
    private static final Pattern QUANTIZATION = Pattern.compile("(q\\d(?:_[a-z0-9]+)*|fp16|f16|bf16)");

    static ModelDescriptor describe(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int colon = lower.lastIndexOf(':');
        String base = colon < 0 ? lower : lower.substring(0, colon);
        base = base.substring(base.lastIndexOf('/') + 1);
        String tag = colon < 0 ? "" : lower.substring(colon + 1);
        boolean embedding = base.contains("embed") || base.startsWith("all-minilm") || base.startsWith("bge");

        long parameterCount = embedding ? 137_000_000L : 1_000_000_000L;
        String parameterSize = embedding ? "137M" : "1B";
        Matcher size = SIZE.matcher(tag);
        if (size.find()) {
            var value = new BigDecimal(size.group(1));
            boolean billions = size.group(2).equals("b");
            parameterCount = value.movePointRight(billions ? 9 : 6).longValue();
            parameterSize = value.stripTrailingZeros().toPlainString() + (billions ? "B" : "M");
        }
        Matcher quantization = QUANTIZATION.matcher(tag);
        String quantizationLevel = quantization.find()
                ? quantization.group(1).toUpperCase(Locale.ROOT).replace("FP16", "F16")
                : embedding ? "F16" : "Q4_K_M";
        int embeddingLength = embedding ? 768 : parameterCount <= 2_000_000_000L ? 2048 : 4096;
        int contextLength = embedding ? 2048 : 131_072;
        return new ModelDescriptor(
                name,
                family(base),
                parameterSize,
                parameterCount,
                quantizationLevel,
                embedding,
                embeddingLength,
                contextLength);
    }

    /** Ollama always shows a tag; an untagged name means {@code :latest}. */
    String taggedName() {
        return name.contains(":") ? name : name + ":latest";
    }

    /** Bytes on disk, estimated from the weight count and the bits per weight of the quantization. */
    long sizeBytes() {
        double bitsPerWeight = switch (quantizationLevel) {
            case "F16", "BF16" -> 16;
            case "Q8_0" -> 8.5;
            default -> quantizationLevel.startsWith("Q4") ? 4.85 : 6.5;
        };
        return (long) (parameterCount * bitsPerWeight / 8);
    }

    List<String> capabilities() {
        if (embedding) {
            return List.of("embedding");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        boolean thinks = family.equals("qwen3") || lower.contains("-r1") || lower.contains("think");
        return thinks ? List.of("completion", "tools", "thinking") : List.of("completion", "tools");
    }

    private static String family(String base) {
        if (base.startsWith("nomic")) {
            return "nomic-bert";
        }
        if (base.startsWith("all-minilm") || base.startsWith("mxbai") || base.startsWith("bge")) {
            return "bert";
        }
        if (base.startsWith("llama") || base.startsWith("mistral") || base.startsWith("mixtral")) {
            return "llama";
        }
        if (base.startsWith("qwen3")) {
            return "qwen3";
        }
        if (base.startsWith("qwen")) {
            return "qwen2";
        }
        if (base.startsWith("gemma")) {
            return "gemma";
        }
        // Otherwise the leading letters, e.g. "phi4-mini" -> "phi".
        int end = 0;
        while (end < base.length() && Character.isLetter(base.charAt(end))) {
            end++;
        }
        return end == 0 ? "llama" : base.substring(0, end);
    }
}
