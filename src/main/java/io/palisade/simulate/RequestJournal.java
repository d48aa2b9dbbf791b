package io.palisade.simulate;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} requests received, oldest first. Thread-safe. */
final class RequestJournal {
    private final int capacity;
    private final ArrayDeque<RecordedRequest> entries;

    RequestJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    synchronized void record(RecordedRequest request) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(request);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
