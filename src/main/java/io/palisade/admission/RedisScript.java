package io.palisade.admission;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script shipped as a resource next to this class, run by its SHA-1 so only the digest
 * travels per call. Redis forgets scripts on restart or SCRIPT FLUSH; then one EVAL sends the
 * source, which also caches it again. Immutable, thread-safe.
 */
final class RedisScript {
    private final String name;
    private final String source;
    private final String sha1;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
    }

    static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing resource " + resource + " next to " + RedisScript.class.getName());
            }
            return new RedisScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    String name() {
        return name;
    }

    Object run(UnifiedJedis redis, List<String> keys, List<String> arguments) {
        try {
            return redis.evalsha(sha1, keys, arguments);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, arguments);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
