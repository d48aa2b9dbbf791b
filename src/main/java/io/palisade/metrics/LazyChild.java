package io.palisade.metrics;

import java.util.function.Supplier;

/**
 * One label child of a metric, made by {@code labelValues} when first needed and then held. Not
 * before: a child exists in the scrape from the moment it is made, even at zero, and a request
 * that streamed nothing must not add a time-to-first-token series. Thread-safe: two first uses
 * at once both get the same child, since {@code labelValues} returns the one already made.
 */
final class LazyChild<D> {
    private final Supplier<D> make;
    private volatile D child;

    LazyChild(Supplier<D> make) {
        this.make = make;
    }

    D get() {
        D made = child;
        if (made == null) {
            made = make.get();
            child = made;
        }
        return made;
    }
}
