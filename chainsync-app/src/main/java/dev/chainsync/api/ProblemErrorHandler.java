package dev.chainsync.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers the errors Jetty raises before a request reaches Javalin (a URI it cannot decode, a
 * malformed header) in the same problem+json form as every other error, instead of an HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {
    static final String CONTENT_TYPE = "application/problem+json";

    ProblemErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    /** Errors of the HTTP parser: the request never became a request. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    /** Errors Jetty sends for a parsed request (a bad URI, say), whatever the client accepts. */
    @Override
    protected void generateAcceptableResponse(
            Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(body(code, message).getBytes(StandardCharsets.UTF_8));
    }

    static String body(int status, String reason) {
        // A 400 is the API's own invalid-request problem; anything else keeps HTTP's meaning.
        String type = status == HttpStatus.BAD_REQUEST_400 ? ApiProblem.TYPE_BASE + "invalid-request" : "about:blank";
        String title = status == HttpStatus.BAD_REQUEST_400 ? "Invalid request" : HttpStatus.getMessage(status);
        String detail = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        return "{\"type\":" + json(type) + ",\"title\":" + json(title) + ",\"status\":" + status + ",\"detail\":"
                + json(detail) + "}";
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
