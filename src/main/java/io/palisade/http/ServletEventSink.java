package io.palisade.http;

import io.javalin.http.Context;
import io.palisade.audit.RequestRecord;
import io.palisade.upstream.EventSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes server-sent events straight to the caller's socket, flushing each one: no answer is
 * ever held back. The first event commits status 200 and the event-stream headers.
 * Not thread-safe: one stream, one thread.
 */
public final class ServletEventSink implements EventSink {
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Context ctx;
    private final RequestRecord record;
    private final Map<String, String> headers;
    private final StringBuilder capture;
    private OutputStream out;

    public ServletEventSink(Context ctx, RequestRecord record, Map<String, String> headers, StringBuilder capture) {
        this.ctx = ctx;
        this.record = record;
        this.headers = headers;
        this.capture = capture;
    }

    @Override
    public void event(String data) throws IOException {
        if (out == null) {
            ctx.status(200);
            ctx.contentType("text/event-stream; charset=utf-8");
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Accel-Buffering", "no");
            headers.forEach(ctx::header);
            out = ctx.res().getOutputStream();
            record.firstByte(System.nanoTime());
        }
        record.streamedEvent();
        if (capture != null) {
            capture.append(data).append('\n');
        }
        out.write(PREFIX);
        out.write(data.getBytes(StandardCharsets.UTF_8));
        out.write(SEPARATOR);
        out.flush();
    }

    @Override
    public boolean started() {
        return out != null;
    }
}
