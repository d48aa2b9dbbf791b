package io.palisade.upstream;

import java.util.ArrayList;
import java.util.List;

/** A caller that keeps every relayed event. Not thread-safe, like the sinks it stands in for. */
final class RecordingSink implements EventSink {
    private final List<String> events = new ArrayList<>();

    @Override
    public void event(String data) {
        events.add(data);
    }

    @Override
    public boolean started() {
        return !events.isEmpty();
    }

    List<String> events() {
        return events;
    }
}
