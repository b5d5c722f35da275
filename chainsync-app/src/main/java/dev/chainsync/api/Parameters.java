package dev.chainsync.api;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Query and path parameters, checked like any body field before a {@code /v1} route runs. */
final class Parameters {
    private Parameters() {}

    /**
     * A query parameter that is not valid percent-encoding is a 400: Javalin reads it as absent, so
     * {@code ?issuer_id=%zz} would otherwise list every issuer's credentials. A control character in
     * a query or path parameter is a 400 naming it ({@link Bodies#checkText}), not a database error
     * on a NUL byte PostgreSQL cannot store.
     */
    static void check(Context ctx) {
        String query = ctx.queryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] nameValue = pair.split("=", 2);
                String name;
                String value;
                try {
                    name = URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8);
                    value = nameValue.length < 2 ? "" : URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badRequest(
                            "query parameter '" + nameValue[0] + "' is not valid percent-encoding", null);
                }
                Bodies.checkText(name, value);
            }
        }
        ctx.pathParamMap().forEach(Bodies::checkText);
    }
}
