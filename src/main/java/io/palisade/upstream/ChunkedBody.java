package io.palisade.upstream;

import java.io.IOException;

/**
 * A {@code Transfer-Encoding: chunked} body (RFC 9112 §7.1), de-chunked: chunk extensions are
 * ignored, and so are trailer fields, which are read (within {@link ResponseHead#MAX_HEAD_BYTES})
 * only to leave the connection at the end of the answer. A read never waits for the next chunk
 * once it has bytes of the current one, so streamed events are passed on as they arrive.
 * Not thread-safe.
 */
final class ChunkedBody extends BodyFraming {
    private static final int MAX_SIZE_LINE = 4096;
    private static final String TRAILERS_TOO_LARGE =
            "its trailer fields are larger than " + ResponseHead.MAX_HEAD_BYTES / 1024 + " KiB";

    private final ConnectionInput input;
    private long chunkLeft;
    private boolean afterChunk;
    private boolean ended;

    ChunkedBody(ConnectionInput input) {
        this.input = input;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (ended) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (chunkLeft == 0) {
            nextChunk();
            if (ended) {
                return -1;
            }
        }
        int count = input.read(target, offset, (int) Math.min(length, chunkLeft));
        if (count < 0) {
            throw new ConnectionClosedException("the backend closed the connection inside a chunk");
        }
        chunkLeft -= count;
        afterChunk = chunkLeft == 0;
        return count;
    }

    @Override
    public int available() {
        return (int) Math.min(chunkLeft, input.available());
    }

    @Override
    boolean complete() {
        return ended;
    }

    private void nextChunk() throws IOException {
        if (afterChunk) {
            String end = input.readLine(MAX_SIZE_LINE, "a chunk is longer than its declared size");
            if (end == null) {
                throw new ConnectionClosedException("the backend closed the connection after a chunk");
            }
            if (!end.isEmpty()) {
                throw new MalformedAnswerException("a chunk is longer than its declared size");
            }
            afterChunk = false;
        }
        String sizeLine =
                input.readLine(MAX_SIZE_LINE, "its chunk size line is longer than " + MAX_SIZE_LINE + " bytes");
        if (sizeLine == null) {
            throw new ConnectionClosedException("the backend closed the connection before the last chunk");
        }
        long size = chunkSize(sizeLine);
        if (size == 0) {
            skipTrailers();
            ended = true;
        }
        chunkLeft = size;
    }

    private static long chunkSize(String line) throws MalformedAnswerException {
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new MalformedAnswerException("its chunk size is malformed");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                throw new MalformedAnswerException("its chunk size is malformed");
            }
            size = size * 16 + digit;
        }
        return size;
    }

    private void skipTrailers() throws IOException {
        int budget = ResponseHead.MAX_HEAD_BYTES;
        while (true) {
            String line = input.readLine(Math.max(budget, 0), TRAILERS_TOO_LARGE);
            if (line == null) {
                throw new ConnectionClosedException("the backend closed the connection inside the trailer fields");
            }
            if (line.isEmpty()) {
                return;
            }
            budget -= line.length() + 2;
        }
    }
}
