package io.palisade.simulate;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A grading request as the evaluator writes it: free instructions, then the sections
 * {@code ### Question}, {@code ### Expected key points} (one {@code - point} a line),
 * {@code ### Reference answer} ({@code (none)} when there is none) and {@code ### Answer to grade},
 * which runs to the end of the text.
 *
 * <p>Parsing goes by the section headers alone, so it tolerates reordered or missing sections,
 * another number of {@code #}, a trailing colon, other bullets and any letter case. Everything after
 * the answer header belongs to the answer, even text that looks like a header, because the graded
 * answer is model output and may contain anything.
 *
 * @param question the question asked, empty if the section is missing
 * @param keyPoints the points a right answer must contain, bullets removed
 * @param reference the reference answer, empty when missing or {@code (none)}
 * @param answer the answer to grade
 */
record JudgePrompt(String question, List<String> keyPoints, String reference, String answer) {
    private static final Pattern HEADER = Pattern.compile(
            "#{1,6}\\s*(question|expected key points|reference answer|answer to grade)\\s*:?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BULLET = Pattern.compile("^(?:[-*•+]|\\d+[.)])\\s+");
    private static final String NONE = "(none)";

    private enum Section {
        INSTRUCTIONS,
        QUESTION,
        KEY_POINTS,
        REFERENCE,
        ANSWER
    }

    JudgePrompt {
        keyPoints = List.copyOf(keyPoints);
    }

    /** The grading request in the text, or empty when the text has no {@code ### Answer to grade} section. */
    static Optional<JudgePrompt> parse(String text) {
        var sections = new EnumMap<Section, List<String>>(Section.class);
        Section current = Section.INSTRUCTIONS;
        sections.put(current, new ArrayList<>());
        for (String line : text.split("\\R", -1)) {
            Optional<Section> header = current == Section.ANSWER ? Optional.empty() : header(line);
            if (header.isPresent()) {
                // A header seen again starts its section afresh: instructions may quote a header.
                current = header.get();
                sections.put(current, new ArrayList<>());
            } else {
                sections.get(current).add(line);
            }
        }
        if (!sections.containsKey(Section.ANSWER)) {
            return Optional.empty();
        }
        String reference = joined(sections, Section.REFERENCE);
        return Optional.of(new JudgePrompt(
                joined(sections, Section.QUESTION),
                keyPoints(sections.getOrDefault(Section.KEY_POINTS, List.of())),
                reference.equalsIgnoreCase(NONE) ? "" : reference,
                joined(sections, Section.ANSWER)));
    }

    private static Optional<Section> header(String line) {
        Matcher matcher = HEADER.matcher(line.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(
                switch (matcher.group(1).toLowerCase(Locale.ROOT)) {
                    case "question" -> Section.QUESTION;
                    case "expected key points" -> Section.KEY_POINTS;
                    case "reference answer" -> Section.REFERENCE;
                    default -> Section.ANSWER;
                });
    }

    private static List<String> keyPoints(List<String> lines) {
        var points = new ArrayList<String>();
        for (String line : lines) {
            String point = BULLET.matcher(line.strip()).replaceFirst("").strip();
            if (!point.isEmpty() && !point.equalsIgnoreCase(NONE)) {
                points.add(point);
            }
        }
        return points;
    }

    private static String joined(Map<Section, List<String>> sections, Section section) {
        return String.join("\n", sections.getOrDefault(section, List.of())).strip();
    }
}
