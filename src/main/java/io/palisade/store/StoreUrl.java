package io.palisade.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed {@code store.url}: {@code sqlite:PATH} (or {@code jdbc:sqlite:PATH}) or
 * {@code postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE[?PARAMS]} (or the same behind
 * {@code jdbc:}). The credentials are kept out of {@link #jdbcUrl()}, so a pool or driver that logs
 * its URL cannot leak them, and {@link #toString()} masks the password: print only that.
 * Immutable and thread-safe.
 */
public final class StoreUrl {
    private static final String POSTGRESQL_FORM = "postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE[?PARAMS]";
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private final Dialect kind;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path file;
    private final String display;

    private StoreUrl(Dialect kind, String jdbcUrl, String user, String password, Path file, String display) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.file = file;
        this.display = display;
    }

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} with a message that is safe to
     * print (it never contains the password).
     */
    public static StoreUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected sqlite:PATH or " + POSTGRESQL_FORM + ", got nothing");
        }
        String url = text.trim();
        String withoutJdbc = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        if (withoutJdbc.startsWith("sqlite:")) {
            return sqlite(withoutJdbc.substring("sqlite:".length()));
        }
        if (withoutJdbc.startsWith("postgresql:")) {
            return postgresql(withoutJdbc.substring("postgresql:".length()));
        }
        throw new IllegalArgumentException("expected sqlite:PATH or " + POSTGRESQL_FORM + ", got '" + mask(url) + "'");
    }

    /** {@code text} with any {@code user:password@} password replaced, for messages about unparsable URLs. */
    public static String mask(String text) {
        return text == null ? null : USERINFO_PASSWORD.matcher(text).replaceAll("$1***@");
    }

    public Dialect kind() {
        return kind;
    }

    /** The JDBC URL without credentials. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user to connect as, or null (SQLite, or PostgreSQL's default). */
    public String user() {
        return user;
    }

    /** The password, or null. Never print it. */
    public String password() {
        return password;
    }

    /** The SQLite file (absolute), or null for PostgreSQL. */
    public Path file() {
        return file;
    }

    /** The URL with its password shown as {@code ***}: the only form fit for output and logs. */
    @Override
    public String toString() {
        return display;
    }

    private static StoreUrl sqlite(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("expected sqlite:PATH, got no path");
        }
        Path file = Path.of(path).toAbsolutePath();
        return new StoreUrl(Dialect.SQLITE, "jdbc:sqlite:" + file, null, null, file, "sqlite:" + path);
    }

    private static StoreUrl postgresql(String rest) {
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("expected " + POSTGRESQL_FORM);
        }
        rest = rest.substring(2);
        int pathStart = indexOfAny(rest, '/', '?');
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        String pathAndQuery = pathStart < 0 ? "" : rest.substring(pathStart);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hosts = authority.substring(at + 1);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no host: expected " + POSTGRESQL_FORM);
        }
        int queryStart = pathAndQuery.indexOf('?');
        String databasePath = queryStart < 0 ? pathAndQuery : pathAndQuery.substring(0, queryStart);
        String database = databasePath.startsWith("/") ? databasePath.substring(1) : databasePath;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("no database name: expected " + POSTGRESQL_FORM);
        }

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        // Credentials given as parameters move out of the URL too, so the JDBC URL never holds them.
        List<String> parameters = new ArrayList<>();
        if (queryStart >= 0) {
            for (String parameter : pathAndQuery.substring(queryStart + 1).split("&", -1)) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int equals = parameter.indexOf('=');
                String name = equals < 0 ? parameter : parameter.substring(0, equals);
                String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
                if (name.equals("user")) {
                    user = user == null ? value : user;
                } else if (name.equals("password")) {
                    password = password == null ? value : password;
                } else {
                    parameters.add(parameter);
                }
            }
        }
        user = user == null || user.isEmpty() ? null : user;
        String query = parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
        String location = hosts + "/" + database + query;
        String credentials = user == null ? "" : user + (password == null ? "" : ":***") + "@";
        return new StoreUrl(
                Dialect.POSTGRESQL,
                "jdbc:postgresql://" + location,
                user,
                password,
                null,
                "postgresql://" + credentials + location);
    }

    private static int indexOfAny(String text, char first, char second) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == first || text.charAt(i) == second) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decoding as in URLs ({@code +} stays a plus: URLDecoder's form rules do not apply). */
    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
                bytes.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }
}
