package io.palisade.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The buffered input side of one backend socket, shared by the response head parser and the body
 * framings of every exchange the connection carries (bytes read ahead belong to the next reader).
 * While a deadline is set (only for the short drain of an answer closed before its end), every
 * read from the socket waits at most until it, by setting the socket's read timeout to the time
 * left; without one, reads wait as long as the socket does, and the exchange's
 * {@link ExchangeDeadline} cuts them (a timed read on a virtual thread costs a timer per read).
 * Each read returns what one socket read delivered, so a stream is passed on as it arrives.
 * Not thread-safe: one exchange at a time owns the connection.
 */
final class ConnectionInput extends InputStream {
    private final Socket socket;
    private final InputStream socketInput;
    private final byte[] buffer;
    private int position;
    private int limit;
    private long received;
    private long deadlineNanos;
    private boolean deadlineSet;

    ConnectionInput(Socket socket, int bufferSize) throws IOException {
        this.socket = socket;
        this.socketInput = socket.getInputStream();
        this.buffer = new byte[bufferSize];
    }

    /** Later reads from the socket fail with {@link SocketTimeoutException} once {@code nanoTime} passes it. */
    void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
        deadlineSet = true;
    }

    /** Later reads wait without limit (the total deadline is the watchdog's business). */
    void noDeadline() throws IOException {
        deadlineSet = false;
        socket.setSoTimeout(0);
    }

    /** Bytes received from the socket over the connection's life; unchanged means the backend sent nothing. */
    long received() {
        return received;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && fill() < 0) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length && !deadlineSet) {
                // Large reads skip the copy through the buffer.
                int count = socketInput.read(target, offset, length);
                received += Math.max(count, 0);
                return count;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int count = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, count);
        position += count;
        return count;
    }

    @Override
    public int available() {
        return limit - position;
    }

    /**
     * One line without its CRLF (a bare LF is accepted), decoded as ISO-8859-1; null when the
     * socket ends before the line's first byte.
     *
     * @throws MalformedAnswerException saying {@code tooLong} when the line is longer than {@code maxLength}
     * @throws ConnectionClosedException when the socket ends inside the line
     */
    String readLine(int maxLength, String tooLong) throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit && fill() < 0) {
                if (line == null) {
                    return null;
                }
                throw new ConnectionClosedException("the backend closed the connection inside a line");
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int length = (line == null ? 0 : line.length()) + end - position;
            if (length > maxLength) {
                throw new MalformedAnswerException(tooLong);
            }
            if (line == null && end < limit) {
                String whole = new String(
                        buffer, position, trimCarriageReturn(position, end) - position, StandardCharsets.ISO_8859_1);
                position = end + 1;
                return whole;
            }
            if (line == null) {
                line = new StringBuilder(Math.max(64, length * 2));
            }
            line.append(new String(buffer, position, end - position, StandardCharsets.ISO_8859_1));
            position = end;
            if (end < limit) {
                position++;
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                return line.toString();
            }
        }
    }

    private int trimCarriageReturn(int start, int end) {
        return end > start && buffer[end - 1] == '\r' ? end - 1 : end;
    }

    private int fill() throws IOException {
        if (deadlineSet) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int)
                    Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1)));
        }
        int count = socketInput.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(count, 0);
        received += limit;
        return count;
    }
}
