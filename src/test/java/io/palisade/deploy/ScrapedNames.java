package io.palisade.deploy;

import java.util.Set;
import java.util.TreeSet;

/**
 * The names in a Prometheus text scrape: sample names (what PromQL selects: palisade_requests_total,
 * palisade_request_duration_seconds_bucket, …) and family names from the "# TYPE" lines (what the
 * documentation names: palisade_request_duration_seconds).
 */
record ScrapedNames(Set<String> samples, Set<String> families) {
    static ScrapedNames parse(String text) {
        Set<String> samples = new TreeSet<>();
        Set<String> families = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                families.add(line.split(" ")[2]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(line.split("[{ ]", 2)[0]);
            }
        }
        return new ScrapedNames(samples, families);
    }
}
