package io.switchboard.simulator.internal;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.Vendor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Works out the tenant of a request, for tenant-scoped faults only (not on the fast path otherwise). */
final class Tenants {

    private Tenants() {
    }

    static String of(SimState s, Vendor vendor, RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        String bearer = Forms.bearer(auth);
        if (bearer != null) {
            IssuedToken t = s.tokens.find(vendor, bearer);
            return t == null ? null : t.tenant;
        }
        String[] basic = Forms.basic(auth);
        switch (vendor) {
            case GENESYS: {
                SimulatorConfig.GenesysClient c = basic == null ? null : s.genesysClients.get(basic[0]);
                return c == null ? null : c.organization();
            }
            case CXONE: {
                String tenantId = ctx.request().getParam("tenantId");
                if (tenantId != null) {
                    return tenantId;
                }
                String user = formField(ctx, "username");
                SimulatorConfig.CxoneAccessKey k = user == null ? null : s.cxoneKeys.get(user);
                return k == null ? null : k.tenantId();
            }
            case COGNOS: {
                IssuedToken session = CognosHandlers.sessionOf(s, ctx);
                if (session != null) {
                    return session.tenant;
                }
                try {
                    JsonObject body = ctx.body().asJsonObject();
                    JsonArray params = body == null ? null : body.getJsonArray("parameters");
                    if (params != null) {
                        for (Object o : params) {
                            if (o instanceof JsonObject j && "CAMNamespace".equals(j.getString("name"))) {
                                return j.getString("value");
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    return null;
                }
                return null;
            }
            case AUTH0: {
                String id = basic != null ? basic[0] : clientIdFromBody(ctx);
                SimulatorConfig.Auth0Client c = id == null ? null : s.auth0Clients.get(id);
                return c == null ? null : c.tenant();
            }
            case OAUTH2: {
                String id = basic != null ? basic[0] : formField(ctx, "client_id");
                SimulatorConfig.OAuth2Client c = id == null ? null : s.oauth2Clients.get(id);
                return c == null ? null : c.tenant();
            }
            default:
                return null;
        }
    }

    private static String formField(RoutingContext ctx, String name) {
        try {
            String body = ctx.body().asString();
            return body == null ? null : Forms.parse(body, false).get(name);
        } catch (Forms.BadEncoding | RuntimeException e) {
            return null;
        }
    }

    private static String clientIdFromBody(RoutingContext ctx) {
        String body = ctx.body().asString();
        if (body != null && body.trim().startsWith("{")) {
            try {
                return new JsonObject(body).getString("client_id");
            } catch (RuntimeException e) {
                return null;
            }
        }
        return formField(ctx, "client_id");
    }
}
