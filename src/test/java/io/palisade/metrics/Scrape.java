package io.palisade.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** A parsed Prometheus text scrape: sample name + sorted labels → value. */
public final class Scrape {
    private final Map<String, Double> samples;

    private Scrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static Scrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space).trim();
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            Map<String, String> labels = new TreeMap<>();
            if (series.contains("{")) {
                String inside = series.substring(series.indexOf('{') + 1, series.lastIndexOf('}'));
                for (String pair : inside.split(",(?=[a-zA-Z_]+=\")")) {
                    if (!pair.isBlank()) {
                        int equals = pair.indexOf('=');
                        labels.put(pair.substring(0, equals), pair.substring(equals + 2, pair.length() - 1));
                    }
                }
            }
            samples.put(key(name, labels), number(line.substring(space + 1).trim()));
        }
        return new Scrape(samples);
    }

    /** A sample value of the text format, which writes infinities as +Inf and -Inf. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The value of one series, 0 when absent; {@code labels} as alternating name, value. */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.getOrDefault(key(name, wanted), 0.0);
    }

    /** Sum over every series of {@code name} whose labels include {@code labels}. */
    public double sum(String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> entry : samples.entrySet()) {
            if (!entry.getKey().startsWith(name + "{") && !entry.getKey().equals(name + "{}")) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                matches &= entry.getKey().contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (matches) {
                total += entry.getValue();
            }
        }
        return total;
    }

    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(key -> key.startsWith(name + "{"));
    }

    private static String key(String name, Map<String, String> labels) {
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach(
                (label, value) -> key.append(label).append("=\"").append(value).append("\","));
        return key.append('}').toString();
    }
}
