package io.palisade.metrics;

/** The status_class label, "2xx" for 200–299 and so on: made once, not concatenated on every request. */
final class StatusClass {
    private static final String[] BY_HUNDREDS = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"};

    private StatusClass() {}

    static String of(int status) {
        int hundreds = status / 100;
        return hundreds >= 0 && hundreds < BY_HUNDREDS.length ? BY_HUNDREDS[hundreds] : hundreds + "xx";
    }
}
