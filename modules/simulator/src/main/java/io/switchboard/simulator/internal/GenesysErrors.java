package io.switchboard.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/** Genesys Cloud API error bodies: status, code, message, messageWithParams, messageParams, contextId, details, errors. */
final class GenesysErrors {

    private GenesysErrors() {
    }

    static void send(Http http, RoutingContext ctx, int status, String code, String message, Map<String, String> params) {
        String contextId = ctx.get(Http.CORRELATION);
        JsonObject p = new JsonObject();
        String withParams = message;
        if (params != null) {
            for (Map.Entry<String, String> e : params.entrySet()) {
                p.put(e.getKey(), e.getValue());
                withParams = withParams.replace(e.getValue(), "{" + e.getKey() + "}");
            }
        }
        JsonObject body = new JsonObject()
                .put("message", message)
                .put("code", code)
                .put("status", status)
                .put("messageWithParams", withParams)
                .put("messageParams", p)
                .put("contextId", contextId == null ? Http.newId() : contextId)
                .put("details", new JsonArray())
                .put("errors", new JsonArray());
        http.json(ctx, status, body);
    }
}
