package dev.chainsync.chatpack.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * Serves the browser page from the jar on 127.0.0.1 ({@code chatpack web}). It only hands out the page's files:
 * the page converts in the browser and sends nothing back.
 */
public final class PageServer implements AutoCloseable {

    /** Where the build puts the page, on the classpath. */
    public static final String PAGE_ROOT = "/chatpack-web/";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "chatpack-worker.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final HttpServer server;

    private PageServer(HttpServer server) {
        this.server = server;
    }

    /** Whether this jar holds the page (a build with {@code -Dchatpack.web.skip} does not). */
    public static boolean pageBuilt() {
        return PageServer.class.getResource(PAGE_ROOT + "index.html") != null;
    }

    /** Starts serving on 127.0.0.1 at {@code port} (0 picks a free one). */
    public static PageServer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", PageServer::handle);
        server.start();
        return new PageServer(server);
    }

    /** The page's address. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.equals("/") ? "index.html" : path.substring(1);
            String type = TYPES.get(name);
            InputStream in = type == null ? null : PageServer.class.getResourceAsStream(PAGE_ROOT + name);
            if (!exchange.getRequestMethod().equals("GET") || in == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            try (in) {
                byte[] body = in.readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", type);
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
