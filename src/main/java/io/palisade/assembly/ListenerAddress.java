package io.palisade.assembly;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Where this gateway's own API listens, for callers inside the process (evaluation runs send their
 * chats through it, to be admitted and audited like any request). The one part of the graph known
 * only after start: the operating system picks the port when the listener binds (port 0), and the
 * listener needs every route, evaluation's included, before it binds. So the HTTP assembly reports
 * the port here once it listens; nothing asks before, as runs start only from requests to it.
 * Thread-safe.
 */
public final class ListenerAddress implements Supplier<URI> {
    private final String host;
    private volatile URI uri;

    /** {@code configuredHost} is the listener's bind address; a wildcard one is reached on loopback. */
    public ListenerAddress(String configuredHost) {
        this.host = configuredHost.equals("0.0.0.0") || configuredHost.equals("::") ? "127.0.0.1" : configuredHost;
    }

    /** Called once by the HTTP assembly when its listener is bound. */
    void listening(int port) {
        uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /** The listener's base URL; throws {@link IllegalStateException} before the listener is bound. */
    @Override
    public URI get() {
        URI known = uri;
        if (known == null) {
            throw new IllegalStateException("the listener is not bound yet");
        }
        return known;
    }
}
