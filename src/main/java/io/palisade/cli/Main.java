package io.palisade.cli;

import java.security.Security;

/** Entry point of the one runnable jar: every verb is a picocli subcommand. */
public final class Main {
    /**
     * Seconds the JVM keeps a host name's answer, unless the operator configured it. The JVM's own
     * defaults (30 s for an answer, 10 s for a failure) kept a replica refusing for up to that long
     * after Redis (or a backend) came back under its name, at a new address or after a failed lookup
     * during the outage. A lookup happens only when a connection is opened, so a short cache costs
     * little.
     */
    private static final String ADDRESS_CACHE_SECONDS = "1";

    private Main() {}

    public static void main(String[] args) {
        shortenAddressCache();
        System.exit(PalisadeCommand.commandLine().execute(args));
    }

    /** Before any lookup: the JVM reads these once, when it first resolves a name. */
    private static void shortenAddressCache() {
        if (Security.getProperty("networkaddress.cache.ttl") == null
                && System.getProperty("sun.net.inetaddr.ttl") == null) {
            Security.setProperty("networkaddress.cache.ttl", ADDRESS_CACHE_SECONDS);
        }
        if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
            Security.setProperty("networkaddress.cache.negative.ttl", ADDRESS_CACHE_SECONDS);
        }
    }
}
