package io.palisade.simulate;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * A streamed response body written frame by frame, each frame flushed as its own HTTP chunk. It
 * can be told to cut the connection after a number of frames, leaving the chunked encoding
 * unfinished so the client sees an abrupt end of stream. Confined to the handler thread.
 */
final class ResponseStream {
    static final int NEVER_CUT = Integer.MAX_VALUE;

    private final Context ctx;
    private final OutputStream out;
    private final int cutAfterFrames;
    private int framesSent;

    private ResponseStream(Context ctx, OutputStream out, int cutAfterFrames) {
        this.ctx = ctx;
        this.out = out;
        this.cutAfterFrames = cutAfterFrames;
    }

    /** Commits status 200 and the headers; nothing can be changed about them afterwards. */
    private static final long CUT_LINGER_MILLIS = 50;

    static ResponseStream open(Context ctx, String contentType, int cutAfterFrames) throws IOException {
        ctx.status(200);
        ctx.contentType(contentType);
        ctx.header("Cache-Control", "no-cache");
        return new ResponseStream(ctx, ctx.res().getOutputStream(), cutAfterFrames);
    }

    /**
     * Writes and flushes one frame. Returns false, without writing, once the cut point is reached:
     * the connection has then been aborted and the caller must stop.
     */
    boolean send(String frame) throws IOException {
        if (framesSent >= cutAfterFrames) {
            if (framesSent > 0) {
                lingerBeforeCut();
            }
            abortConnection(ctx);
            return false;
        }
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
        framesSent++;
        return true;
    }

    /**
     * HTTP clients may drop bytes they received but had not yet handed to the reader when the
     * connection fails; a short pause makes "the client saw the first half, then the cut" certain.
     */
    private static void lingerBeforeCut() {
        try {
            Thread.sleep(CUT_LINGER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drops the TCP connection under the current exchange by shutting down and closing Jetty's
     * endpoint (the socket).
     * Nothing more reaches the client: no terminating zero-length chunk, no error page, so it sees
     * the body end abruptly. Aborting the servlet channel instead would leave Javalin's request
     * bookkeeping in an illegal state and log a spurious server error.
     */
    static void abortConnection(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        var endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        // FIN before close: the frames already flushed reach the client before the connection
        // ends, instead of a reset that may discard them in the client's receive buffer.
        endPoint.shutdownOutput();
        endPoint.close();
    }
}
