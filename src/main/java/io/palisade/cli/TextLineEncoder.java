package io.palisade.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * The text log format, {@value #PATTERN}, written byte for byte as Logback's pattern encoder
 * writes it but without its converter chain: with one request-log line per request the pattern
 * machinery was a measurable share of the gateway's CPU (docs/performance.md). Logback formats the
 * time on every new millisecond, takes a lock for the logger name, and builds the key-value pairs
 * in a string of their own through a boxed quote character per quote. A line with an exception is
 * followed by the stack trace as Logback writes it (its {@code ThrowableProxyConverter}, which its
 * pattern layout appends to a pattern without one). No header or footer, as the pattern has none.
 *
 * <p>One deliberate difference: callers choose some of what is logged (a model name from a request
 * body, a path), so control characters in the message and in values are written escaped (a
 * newline as backslash and n, others as backslash-u escapes), and quotes and backslashes in values
 * too: a caller cannot start a forged line or close a value early. Logback writes them raw.
 * Thread-safe.
 */
public final class TextLineEncoder extends EncoderBase<ILoggingEvent> {
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg %kvp%n";
    private static final int LOGGER_LENGTH = 20;
    private static final int MAX_LOGGER_NAMES = 1024;
    /** Time, level, logger and separators, plus the request line's key-value pairs, so it seldom grows. */
    private static final int LINE_CAPACITY = 384;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final ThrowableProxyConverter stackTrace = new ThrowableProxyConverter();
    private final Charset charset;
    private final TimeOfDayFormat timeOfDay;
    private final LoggerNameAbbreviations loggerNames;

    /**
     * {@code charset}: of the bytes (Logback's pattern encoder without one set uses the platform's);
     * {@code zone}: the time's.
     */
    public TextLineEncoder(Charset charset, ZoneId zone) {
        this.charset = charset;
        // Logback's date converter takes the default locale too; digits do not depend on it.
        this.timeOfDay = new TimeOfDayFormat(zone, Locale.getDefault());
        this.loggerNames =
                new LoggerNameAbbreviations(new TargetLengthBasedClassNameAbbreviator(LOGGER_LENGTH), MAX_LOGGER_NAMES);
    }

    @Override
    public byte[] headerBytes() {
        return new byte[0];
    }

    @Override
    public byte[] footerBytes() {
        return new byte[0];
    }

    @Override
    public void start() {
        stackTrace.setContext(getContext());
        stackTrace.start();
        super.start();
    }

    @Override
    public void stop() {
        stackTrace.stop();
        super.stop();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        StringBuilder line = new StringBuilder(LINE_CAPACITY + (message == null ? 0 : message.length()));
        timeOfDay.append(line, event.getTimeStamp());
        line.append(' ');
        appendLevel(line, event.getLevel());
        line.append(' ').append(loggerNames.abbreviated(event.getLoggerName())).append(" - ");
        appendEscaped(line, message, false);
        line.append(' ');
        appendKeyValuePairs(line, event.getKeyValuePairs());
        line.append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(stackTrace.convert(event));
        }
        return line.toString().getBytes(charset);
    }

    /** {@code %-5level}: the name, padded with spaces on the right to five characters. */
    private static void appendLevel(StringBuilder line, Level level) {
        String name = level.toString();
        line.append(name);
        for (int padding = 5 - name.length(); padding > 0; padding--) {
            line.append(' ');
        }
    }

    /** {@code %kvp}: key="value" pairs separated by one space, values escaped (see the class comment). */
    private static void appendKeyValuePairs(StringBuilder line, List<KeyValuePair> pairs) {
        if (pairs == null) {
            return;
        }
        for (int i = 0; i < pairs.size(); i++) {
            KeyValuePair pair = pairs.get(i);
            if (i > 0) {
                line.append(' ');
            }
            appendEscaped(line, pair.key, true);
            line.append("=\"");
            appendValue(line, pair.value);
            line.append('"');
        }
    }

    /**
     * {@code String.valueOf(value)}, without the intermediate string for the common types. An
     * instanceof chain rather than a pattern switch, whose type-switch bootstrap measured slower.
     */
    private static void appendValue(StringBuilder line, Object value) {
        if (value instanceof String text) {
            appendEscaped(line, text, true);
        } else if (value instanceof Integer number) {
            line.append(number.intValue());
        } else if (value instanceof Long number) {
            line.append(number.longValue());
        } else if (value instanceof Double number) {
            line.append(number.doubleValue());
        } else {
            appendEscaped(line, String.valueOf(value), true);
        }
    }

    /** {@code text} ("null" when null) with control characters escaped, and quotes and backslashes too {@code inValue}. */
    private static void appendEscaped(StringBuilder line, String text, boolean inValue) {
        if (text == null) {
            line.append("null");
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line.append("\\n");
            } else if (c == '\r') {
                line.append("\\r");
            } else if (c == '\t') {
                line.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                line.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else if (inValue && (c == '"' || c == '\\')) {
                line.append('\\').append(c);
            } else {
                line.append(c);
            }
        }
    }
}
