package dev.chainsync.webhook;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The dispatcher's HTTP/1.1 client: one blocking POST per call on the caller's (virtual) thread,
 * keep-alive connections pooled per origin, and a connection only ever to an address that passed
 * {@link AddressGuard} in the same call that resolved it, so DNS rebinding has no window.
 *
 * <p>Why not {@code java.net.http.HttpClient}: its asynchronous machinery cost more CPU per webhook
 * than everything else the dispatcher does (decisions 20), and its own name lookup needed a
 * process-wide resolver hook to keep the SSRF check honest. A webhook POST needs little of HTTP:
 * a request with a fixed-length body, a status, {@code Retry-After}, and an excerpt of the answer.
 */
final class WebhookHttp implements AutoCloseable {
    /** Longest status or header line accepted. */
    static final int MAX_LINE = 8 * 1024;
    /** Most header bytes accepted in one response. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Response body read past the excerpt to keep a connection; beyond this the connection is closed instead. */
    static final int MAX_DRAIN = 64 * 1024;
    /**
     * Idle connections older than this are closed, not reused: common servers close theirs after
     * 5 s (Node.js, Apache), and a request sent just as the server closes is a wasted round trip.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
    /**
     * Requests larger than this are written under a watchdog: a receiver that never reads could
     * otherwise block the write forever once the socket buffers are full. Smaller ones fit in them.
     */
    static final int WATCHED_WRITE_BYTES = 16 * 1024;

    static final int DEFAULT_MAX_IDLE_PER_ORIGIN = 64;

    /** The answer: status, the raw {@code Retry-After} value if any, the first {@code excerptBytes} of the body. */
    record Response(int status, String retryAfter, String excerpt) {}

    /** No response: the message is what the attempt log shows. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final Duration connectTimeout;
    private final boolean allowPrivateTargets;
    private final int excerptBytes;
    private final int maxIdlePerOrigin;
    private final SSLContext tls;
    private final long idleTimeoutNanos;
    private final ConcurrentHashMap<String, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();
    // Name lookups run here so that a slow resolver cannot outlast the attempt's deadline.
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-write-watchdog").factory());
    private volatile boolean closed;

    WebhookHttp(
            Duration connectTimeout,
            boolean allowPrivateTargets,
            int excerptBytes,
            int maxIdlePerOrigin,
            SSLContext tls) {
        this(connectTimeout, allowPrivateTargets, excerptBytes, maxIdlePerOrigin, tls, IDLE_TIMEOUT);
    }

    WebhookHttp(
            Duration connectTimeout,
            boolean allowPrivateTargets,
            int excerptBytes,
            int maxIdlePerOrigin,
            SSLContext tls,
            Duration idleTimeout) {
        this.connectTimeout = connectTimeout;
        this.allowPrivateTargets = allowPrivateTargets;
        this.excerptBytes = excerptBytes;
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.tls = tls;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * POSTs {@code body} with {@code headers} (name/value pairs) and returns the answer, or throws a
     * {@link Failure} saying why there was none within {@code timeout}. A pooled connection the server
     * had closed is replaced once; that can repeat a request the server saw, which webhook receivers
     * absorb through the stable {@code webhook-id}.
     */
    Response post(URI uri, List<String> headers, byte[] body, Duration timeout)
            throws Failure, AddressGuard.Refused, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String origin = origin(uri);
        byte[] request = request(uri, headers, body);
        Connection pooled = takeIdle(origin);
        if (pooled != null) {
            try {
                return exchange(origin, pooled, request, deadline, timeout);
            } catch (Stale stale) {
                // The server closed it while idle; a fresh connection decides.
            }
        }
        Connection fresh = connect(uri, deadline, timeout);
        try {
            return exchange(origin, fresh, request, deadline, timeout);
        } catch (Stale stale) {
            throw new IllegalStateException("a fresh connection is never stale");
        }
    }

    /** Signals a reused connection that failed before a single response byte arrived. */
    private static final class Stale extends Exception {
        Stale() {
            super(null, null, false, false);
        }
    }

    private Response exchange(String origin, Connection c, byte[] request, long deadline, Duration timeout)
            throws Failure, Stale, InterruptedException {
        boolean keep = false;
        try {
            c.deadline = deadline;
            try {
                write(c, request, deadline);
                c.in.mark(1);
                if (c.in.read() < 0) {
                    throw new EOFException("the server closed the connection without answering");
                }
                c.in.reset();
            } catch (IOException e) {
                if (c.reused && !(e instanceof SocketTimeoutException)) {
                    checkInterrupt();
                    throw new Stale();
                }
                throw e;
            }
            Parsed p = readResponse(c);
            // Bytes beyond the response (a body longer than announced) would be read as the next answer.
            keep = p.reusable && !closed && c.in.available() == 0;
            return new Response(p.status, p.retryAfter, p.excerpt);
        } catch (SocketTimeoutException e) {
            throw new Failure("timed out after " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            checkInterrupt();
            throw new Failure(describe(e));
        } finally {
            if (keep) {
                giveBack(origin, c);
            } else {
                c.close();
            }
        }
    }

    private void write(Connection c, byte[] request, long deadline) throws IOException {
        if (request.length <= WATCHED_WRITE_BYTES) {
            c.out.write(request);
            c.out.flush();
            return;
        }
        ScheduledFuture<?> alarm =
                watchdog.schedule(c::close, Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        try {
            c.out.write(request);
            c.out.flush();
        } catch (IOException e) {
            if (remainingMillis(deadline) <= 0) {
                throw new SocketTimeoutException("write not finished by the deadline");
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private static void checkInterrupt() throws InterruptedException {
        // A virtual thread interrupted in socket I/O sees the socket closed; report the interrupt instead.
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    // ---------------------------------------------------------------- connecting

    private Connection connect(URI uri, long deadline, Duration timeout)
            throws Failure, AddressGuard.Refused, InterruptedException {
        String host = AddressGuard.host(uri);
        List<InetAddress> addresses = lookup(host, deadline, timeout);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = port(uri);
        IOException last = null;
        for (InetAddress address : addresses) {
            long left = remainingMillis(deadline);
            if (left <= 0) {
                throw new Failure("timed out after " + timeout.toMillis() + " ms");
            }
            // Never through a proxy: it would resolve the name itself, past the SSRF check.
            Socket raw = new Socket(Proxy.NO_PROXY);
            try {
                raw.setTcpNoDelay(true);
                raw.connect(new InetSocketAddress(address, port), (int) Math.min(left, connectTimeout.toMillis()));
                Socket s = raw;
                if (https) {
                    s = handshake(raw, host, port, deadline);
                }
                return new Connection(s);
            } catch (SocketTimeoutException e) {
                closeQuietly(raw);
                last = e;
            } catch (IOException e) {
                closeQuietly(raw);
                checkInterrupt();
                last = e;
            } catch (RuntimeException e) {
                closeQuietly(raw);
                throw e;
            }
        }
        throw new Failure(last instanceof SocketTimeoutException ? "connect timed out" : describe(last));
    }

    private List<InetAddress> lookup(String host, long deadline, Duration timeout)
            throws Failure, AddressGuard.Refused, InterruptedException {
        if (AddressGuard.literal(host) != null) {
            try {
                return AddressGuard.resolve(host, allowPrivateTargets);
            } catch (UnknownHostException e) {
                throw new Failure("unknown host");
            }
        }
        Future<List<InetAddress>> answer;
        try {
            answer = lookups.submit(() -> AddressGuard.resolve(host, allowPrivateTargets));
        } catch (RejectedExecutionException e) {
            throw new Failure("client closed");
        }
        try {
            return answer.get(Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new Failure("timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case AddressGuard.Refused r -> throw r;
                case UnknownHostException u -> throw new Failure("unknown host");
                case RuntimeException r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private Socket handshake(Socket raw, String urlHost, int port, long deadline) throws IOException {
        // A fully qualified name may end in a dot; certificates and SNI name the host without it.
        String host = urlHost.endsWith(".") ? urlHost.substring(0, urlHost.length() - 1) : urlHost;
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
        SSLParameters params = s.getSSLParameters();
        // Verify the certificate against the URL's host even though the socket was opened by address.
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (AddressGuard.literal(host) == null) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(params);
        s.setSoTimeout((int) Math.max(1, remainingMillis(deadline)));
        s.startHandshake();
        return s;
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "no address to connect to";
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "connection refused or unreachable";
        }
        if (e instanceof SSLException) {
            return "TLS error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return "I/O error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    // ---------------------------------------------------------------- the pool

    /** The most recently used idle connection of {@code origin} that is still fit for a request. */
    private Connection takeIdle(String origin) {
        ArrayDeque<Connection> q = idle.get(origin);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        while (true) {
            Connection c;
            synchronized (q) {
                c = q.pollLast();
            }
            if (c == null) {
                return null;
            }
            if (now - c.idleSince < idleTimeoutNanos && c.quiet()) {
                c.reused = true;
                return c;
            }
            c.close();
        }
    }

    /** Closes connections idle for longer than the idle timeout, for every origin; the dispatcher calls it now and then. */
    void evictIdle() {
        long now = System.nanoTime();
        for (ArrayDeque<Connection> q : idle.values()) {
            while (true) {
                Connection c;
                synchronized (q) {
                    c = q.peekFirst();
                    if (c == null || now - c.idleSince < idleTimeoutNanos) {
                        break;
                    }
                    q.pollFirst();
                }
                c.close();
            }
        }
    }

    private void giveBack(String origin, Connection c) {
        c.idleSince = System.nanoTime();
        ArrayDeque<Connection> q = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
        boolean kept;
        synchronized (q) {
            kept = q.size() < maxIdlePerOrigin;
            if (kept) {
                q.addLast(c);
            }
        }
        if (!kept || closed) {
            c.close();
        }
    }

    /** Closes every idle connection; calls in flight close theirs when they finish. */
    @Override
    public void close() {
        closed = true;
        lookups.shutdownNow();
        watchdog.shutdownNow();
        for (ArrayDeque<Connection> q : idle.values()) {
            synchronized (q) {
                q.forEach(Connection::close);
                q.clear();
            }
        }
    }

    /** One socket with the deadline of the exchange using it. */
    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        long deadline;
        long idleSince;
        boolean reused;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(new DeadlineInput(this, socket.getInputStream()), 8192);
            this.out = socket.getOutputStream();
        }

        /** False when the server sent something unasked (an early close, a 408) while the connection was idle. */
        boolean quiet() {
            try {
                return in.available() == 0;
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            closeQuietly(socket);
        }
    }

    /** Re-arms the socket's read timeout before every read so the whole exchange keeps one deadline. */
    private static final class DeadlineInput extends InputStream {
        private final Connection c;
        private final InputStream in;

        DeadlineInput(Connection c, InputStream in) {
            this.c = c;
            this.in = in;
        }

        private void arm() throws IOException {
            long left = remainingMillis(c.deadline);
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            c.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }

        @Override
        public int read() throws IOException {
            arm();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }

    // ---------------------------------------------------------------- wire format

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + AddressGuard.host(uri) + ":" + port(uri);
    }

    private static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static byte[] request(URI uri, List<String> headers, byte[] body) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        StringBuilder head = new StringBuilder(256 + 64 * headers.size() / 2);
        head.append("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(uri.getRawAuthority())
                .append("\r\n");
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            String name = headers.get(i);
            String value = headers.get(i + 1);
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + name + " contains a line break");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private record Parsed(int status, String retryAfter, String excerpt, boolean reusable) {}

    private Parsed readResponse(Connection c) throws IOException {
        InputStream in = c.in;
        int headerBytes = 0;
        while (true) {
            String statusLine = readLine(in);
            headerBytes += statusLine.length();
            // "HTTP/1.1 204 No Content": version, space, three digits.
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x response");
            }
            Head head = new Head(parseStatus(statusLine), statusLine.charAt(7) == '0');
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                headerBytes += line.length() + 2;
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("response headers larger than " + MAX_HEADER_BYTES + " bytes");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    head.header(
                            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            if (head.status >= 100 && head.status < 200) {
                if (head.status == 101) {
                    throw new IOException("unexpected protocol switch");
                }
                continue; // an interim answer; the real one follows
            }
            return readBody(in, head);
        }
    }

    /** What a response's status line and headers say about its body and its connection. */
    private static final class Head {
        final int status;
        final boolean http10;
        long contentLength = -1;
        String transferCoding;
        boolean close;
        String retryAfter;

        Head(int status, boolean http10) {
            this.status = status;
            this.http10 = http10;
            this.close = http10;
        }

        void header(String name, String value) throws IOException {
            switch (name) {
                case "content-length" -> {
                    try {
                        long n = Long.parseLong(value);
                        if (n < 0 || contentLength >= 0 && contentLength != n) {
                            throw new IOException("invalid Content-Length");
                        }
                        contentLength = n;
                    } catch (NumberFormatException e) {
                        throw new IOException("invalid Content-Length");
                    }
                }
                case "transfer-encoding" ->
                    transferCoding = transferCoding == null ? value : transferCoding + "," + value;
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.contains("close")) {
                        close = true;
                    } else if (http10 && v.contains("keep-alive")) {
                        close = false;
                    }
                }
                case "retry-after" -> retryAfter = value;
                default -> {}
            }
        }
    }

    /** Reads the final response's body, keeping an excerpt; reusable only when it ended where it said. */
    private Parsed readBody(InputStream in, Head head) throws IOException {
        Excerpt body = new Excerpt(excerptBytes);
        long contentLength = head.contentLength;
        boolean close = head.close;
        boolean complete;
        boolean chunked = false;
        if (head.transferCoding != null) {
            // RFC 9112 6.3: Transfer-Encoding wins over Content-Length, and a message carrying both
            // (or an HTTP/1.0 one carrying it) may be smuggling: answer it, then drop the connection.
            String[] codings = head.transferCoding.toLowerCase(Locale.ROOT).split(",");
            chunked = codings[codings.length - 1].trim().equals("chunked");
            if (contentLength >= 0 || head.http10) {
                close = true;
            }
            contentLength = -1;
        }
        if (head.status == 204 || head.status == 304) {
            complete = true;
        } else if (chunked) {
            complete = readChunked(in, body);
        } else if (contentLength >= 0) {
            complete = readFixed(in, contentLength, body);
        } else {
            readUntilClose(in, body);
            complete = false;
        }
        return new Parsed(head.status, head.retryAfter, body.text(), complete && !close);
    }

    private static int parseStatus(String statusLine) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char ch = statusLine.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new IOException("invalid status line");
            }
            status = status * 10 + (ch - '0');
        }
        return status;
    }

    /** Reads up to {@code n} body bytes; false if the rest was left unread (the connection then closes). */
    private static boolean readFixed(InputStream in, long n, Excerpt body) throws IOException {
        if (n > MAX_DRAIN + body.room()) {
            int keep = body.room();
            copy(in, keep, body);
            return false;
        }
        copy(in, n, body);
        return true;
    }

    private static void copy(InputStream in, long n, Excerpt body) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new EOFException("response body ended early");
            }
            body.add(buf, r);
            left -= r;
        }
    }

    /** A body without length or chunks ends when the server closes; only its first bytes are read. */
    private static void readUntilClose(InputStream in, Excerpt body) throws IOException {
        byte[] buf = new byte[8192];
        int read = 0;
        int r;
        while (read < MAX_DRAIN && (r = in.read(buf, 0, buf.length)) >= 0) {
            body.add(buf, r);
            read += r;
        }
    }

    private static boolean readChunked(InputStream in, Excerpt body) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("invalid chunk size");
            }
            if (size < 0) {
                throw new IOException("invalid chunk size");
            }
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers are ignored
                }
                return true;
            }
            total += size;
            if (total > MAX_DRAIN + body.capacity()) {
                return false;
            }
            copy(in, size, body);
            if (!readLine(in).isEmpty()) {
                throw new IOException("chunk not terminated by CRLF");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of the response");
            }
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    /** Keeps the first bytes of a body, drops the rest. */
    private static final class Excerpt {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int capacity;

        Excerpt(int capacity) {
            this.capacity = capacity;
        }

        int capacity() {
            return capacity;
        }

        int room() {
            return capacity - kept.size();
        }

        void add(byte[] b, int n) {
            int room = room();
            if (room > 0) {
                kept.write(b, 0, Math.min(room, n));
            }
        }

        String text() {
            return kept.size() == 0 ? null : kept.toString(StandardCharsets.UTF_8);
        }
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
