package io.palisade.upstream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written HTTP/1.1 server on a loopback port, for testing the client byte by byte: every
 * accepted connection runs the script on its own virtual thread, told the connection's index
 * (0 for the first). Counts connections and keeps every request it read.
 */
final class FakeBackend implements AutoCloseable {
    interface Script {
        void run(Connection connection, int index) throws Exception;
    }

    /** A request as the server read it; header names lower-cased. */
    record Request(String line, Map<String, String> headers, String body, int connection) {}

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeBackend(Script script) throws IOException {
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fake-backend-accept").start(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                int index = accepted.getAndIncrement();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> {
                    try (Connection connection = new Connection(socket, index)) {
                        script.run(connection, index);
                    } catch (Exception ignored) {
                        // the client went away or the test is over; the test's assertions decide
                    }
                });
            }
        });
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int connections() {
        return accepted.get();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** A JSON answer with Content-Length. */
    static String json(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** One chunk of a chunked body. */
    static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    /** One accepted connection, seen from the server. */
    final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream input;
        private final OutputStream output;
        private final int index;

        Connection(Socket socket, int index) throws IOException {
            this.socket = socket;
            this.input = new BufferedInputStream(socket.getInputStream());
            this.output = socket.getOutputStream();
            this.index = index;
        }

        /** The next request on this connection, or null when the client closed it. */
        Request read() throws IOException {
            String line = line();
            if (line == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                headers.put(
                        header.substring(0, colon).toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            Request request =
                    new Request(line, headers, new String(input.readNBytes(length), StandardCharsets.UTF_8), index);
            requests.add(request);
            return request;
        }

        /** Writes raw text (UTF-8) and flushes. */
        void write(String raw) throws IOException {
            output.write(raw.getBytes(StandardCharsets.UTF_8));
            output.flush();
        }

        /** Answers every request on this connection with {@code answer}, until the client closes it. */
        void answerAll(String answer) throws IOException {
            while (read() != null) {
                write(answer);
            }
        }

        /** True when the client closed its end: the next read sees the end of the stream. */
        boolean clientClosed() throws IOException {
            return input.read() < 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private String line() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int b;
            while ((b = input.read()) >= 0 && b != '\n') {
                bytes.write(b);
            }
            if (b < 0 && bytes.size() == 0) {
                return null;
            }
            String line = bytes.toString(StandardCharsets.ISO_8859_1);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
    }
}
