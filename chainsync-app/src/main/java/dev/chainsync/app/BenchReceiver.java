package dev.chainsync.app;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook benchmark's receiver on 127.0.0.1: reads every request in full, records its
 * {@code webhook-id} and answers 204. It shares the two cores with the dispatcher and the database,
 * which a real receiver would not, so its own cost matters: {@code socket} is a minimal HTTP/1.1
 * server on virtual threads, {@code jdk} the JDK's {@code HttpServer} (about a third of the JVM's
 * CPU in the benchmark).
 */
abstract sealed class BenchReceiver implements AutoCloseable {
    final AtomicLong received = new AtomicLong();
    final Set<String> ids = ConcurrentHashMap.newKeySet();

    static BenchReceiver start(String kind) throws IOException {
        return switch (kind) {
            case "socket" -> new SocketReceiver();
            case "jdk" -> new JdkReceiver();
            default -> throw new IllegalArgumentException("--receiver must be socket or jdk, not " + kind);
        };
    }

    abstract int port();

    abstract String describe();

    void record(String webhookId) {
        if (webhookId != null) {
            ids.add(webhookId);
        }
        received.incrementAndGet();
    }

    @Override
    public abstract void close();

    /** The JDK's built-in server. */
    static final class JdkReceiver extends BenchReceiver {
        private final HttpServer server;

        JdkReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.createContext("/", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    record(ex.getRequestHeaders().getFirst("webhook-id"));
                    ex.sendResponseHeaders(204, -1);
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        @Override
        int port() {
            return server.getAddress().getPort();
        }

        @Override
        String describe() {
            return "the JDK's HttpServer";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Blocking sockets, a virtual thread per connection, keep-alive, Content-Length bodies. */
    static final class SocketReceiver extends BenchReceiver {
        private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final ServerSocket socket;
        private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();

        SocketReceiver() throws IOException {
            socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("bench-receiver").start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.submit(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                s.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                OutputStream out = s.getOutputStream();
                StringBuilder line = new StringBuilder(128);
                while (true) {
                    if (!readLine(in, line)) {
                        return; // the client closed between requests
                    }
                    if (!line.toString().startsWith("POST ")) {
                        throw new IOException("not a POST: " + line);
                    }
                    int length = -1;
                    String id = null;
                    while (readLine(in, line) && !line.isEmpty()) {
                        int colon = line.indexOf(":");
                        String name = line.substring(0, Math.max(colon, 0)).toLowerCase(Locale.ROOT);
                        if (name.equals("content-length")) {
                            length = Integer.parseInt(line.substring(colon + 1).trim());
                        } else if (name.equals("webhook-id")) {
                            id = line.substring(colon + 1).trim();
                        }
                    }
                    if (length < 0) {
                        throw new IOException("request without Content-Length");
                    }
                    in.skipNBytes(length);
                    record(id);
                    out.write(NO_CONTENT);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // a broken request ends its connection; the dispatcher retries the message
            }
        }

        /** Reads one CRLF-terminated line into {@code line}; false at end of stream before any byte. */
        private static boolean readLine(InputStream in, StringBuilder line) throws IOException {
            line.setLength(0);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                        line.setLength(line.length() - 1);
                    }
                    return true;
                }
                line.append((char) b);
            }
            if (line.isEmpty()) {
                return false;
            }
            throw new EOFException("connection closed mid-line");
        }

        @Override
        int port() {
            return socket.getLocalPort();
        }

        @Override
        String describe() {
            return "a minimal HTTP/1.1 socket server";
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
            connections.shutdownNow();
        }
    }
}
