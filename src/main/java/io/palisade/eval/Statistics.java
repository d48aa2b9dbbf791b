package io.palisade.eval;

/** The numbers behind a verdict: Wilson score intervals and the exact McNemar test. Pure functions. */
public final class Statistics {
    private static final double Z95 = 1.959963984540054;

    private Statistics() {}

    /** A confidence interval for a proportion, {@code low <= high}, both within [0, 1]. */
    public record Interval(double low, double high) {}

    /** Wilson 95 % interval for {@code passes} out of {@code total}; [0, 1] when total is 0. */
    public static Interval wilson(long passes, long total) {
        if (total == 0) {
            return new Interval(0, 1);
        }
        double p = (double) passes / total;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / total;
        double centre = (p + z2 / (2 * total)) / denominator;
        double margin = Z95 * Math.sqrt(p * (1 - p) / total + z2 / (4.0 * total * total)) / denominator;
        return new Interval(Math.max(0, centre - margin), Math.min(1, centre + margin));
    }

    /**
     * Two-sided exact McNemar p-value for paired outcomes: {@code passToFail} cases passed in the
     * baseline and failed in the candidate, {@code failToPass} the reverse. Under the null both
     * directions are equally likely, so the discordant count follows Binomial(n, 1/2).
     */
    public static double mcNemarExact(long passToFail, long failToPass) {
        long n = passToFail + failToPass;
        if (n == 0) {
            return 1.0;
        }
        long k = Math.min(passToFail, failToPass);
        double tail = 0;
        for (long i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(n, i) - n * Math.log(2));
        }
        return Math.min(1.0, 2 * tail);
    }

    private static double logChoose(long n, long k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(long n) {
        double sum = 0;
        for (long i = 2; i <= n; i++) {
            sum += Math.log((double) i);
        }
        return sum;
    }
}
