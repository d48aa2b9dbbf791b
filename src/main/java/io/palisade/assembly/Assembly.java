package io.palisade.assembly;

/**
 * One capability's part of the running gateway: its constructor builds the parts (with {@code new})
 * and starts whatever work they do; {@link #close()} stops that work and releases what it holds.
 * {@link io.palisade.Palisade#start} builds the assemblies in dependency order and closes them in
 * the reverse order, also when a later one fails to build. A new capability plugs in as one more
 * assembly. Closing is called once, from one thread.
 */
public interface Assembly extends AutoCloseable {
    /** Stops this assembly's work and releases what it holds; never throws for an orderly stop. */
    @Override
    void close();
}
