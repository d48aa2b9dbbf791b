package io.palisade.admission;

class LocalCountersTest extends CountersContract {
    @Override
    protected Counters newCounters() {
        return new LocalCounters();
    }
}
