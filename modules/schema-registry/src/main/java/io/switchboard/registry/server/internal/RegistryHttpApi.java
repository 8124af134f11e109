package io.switchboard.registry.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The subset of the Confluent Schema Registry REST API that clients and serdes use, over
 * {@link RegistryService}. Handlers run on worker threads (they may wait for Kafka). Counts
 * requests per route for tests.
 */
public final class RegistryHttpApi {

    /** Response content type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryService service;
    private final AtomicLong total = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> perRoute = new ConcurrentHashMap<>();

    public RegistryHttpApi(RegistryService service) {
        this.service = service;
    }

    /** Requests served. */
    public long requestCount() {
        return total.get();
    }

    /** Requests served by one route, e.g. {@code ("GET", "/schemas/ids/:id")}. */
    public long requestCount(String method, String route) {
        AtomicLong n = perRoute.get(method + " " + route);
        return n == null ? 0 : n.get();
    }

    /** Builds the router. */
    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(4 * 1024 * 1024));

        on(router, HttpMethod.GET, "/", ctx -> JSON.createObjectNode());
        on(router, HttpMethod.GET, "/schemas/types", ctx -> List.of("AVRO"));
        on(router, HttpMethod.GET, "/schemas/ids/:id", ctx -> Map.of("schema", service.schema(id(ctx))));
        on(router, HttpMethod.GET, "/schemas/ids/:id/schema", ctx -> raw(service.schema(id(ctx))));
        // Confluent's API: the subject-version pairs and the subjects that use an id, optionally for one ?subject=.
        on(router, HttpMethod.GET, "/schemas/ids/:id/versions", ctx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            usages(ctx).forEach(v -> {
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("subject", v.subject());
                pair.put("version", v.version());
                out.add(pair);
            });
            return out;
        });
        on(router, HttpMethod.GET, "/schemas/ids/:id/subjects", ctx -> usages(ctx).stream()
                .map(RegistryState.Version::subject).distinct().toList());
        // ?subjectPrefix= as Confluent documents it; its default ":*:" (every context) and "" mean all subjects.
        on(router, HttpMethod.GET, "/subjects", ctx -> {
            String prefix = ctx.request().getParam("subjectPrefix");
            List<String> all = service.subjects();
            return prefix == null || prefix.isEmpty() || prefix.equals(":*:") ? all
                    : all.stream().filter(subject -> subject.startsWith(prefix)).toList();
        });
        on(router, HttpMethod.GET, "/subjects/:subject/versions", ctx -> service.versions(subject(ctx)).stream()
                .map(RegistryState.Version::version).toList());
        on(router, HttpMethod.POST, "/subjects/:subject/versions", ctx -> Map.of("id", service.register(subject(ctx), schemaOf(ctx))));
        on(router, HttpMethod.GET, "/subjects/:subject/versions/:version", ctx -> version(service.version(subject(ctx), ctx.pathParam("version"))));
        on(router, HttpMethod.GET, "/subjects/:subject/versions/:version/schema",
                ctx -> raw(service.version(subject(ctx), ctx.pathParam("version")).schema()));
        on(router, HttpMethod.POST, "/subjects/:subject", ctx -> version(service.lookup(subject(ctx), schemaOf(ctx))));
        on(router, HttpMethod.POST, "/compatibility/subjects/:subject/versions/:version",
                ctx -> compatibility(ctx, service.testCompatibility(subject(ctx), ctx.pathParam("version"), schemaOf(ctx))));
        on(router, HttpMethod.POST, "/compatibility/subjects/:subject/versions",
                ctx -> compatibility(ctx, service.testCompatibility(subject(ctx), null, schemaOf(ctx))));
        on(router, HttpMethod.GET, "/config", ctx -> Map.of("compatibilityLevel", service.globalLevel().name()));
        on(router, HttpMethod.PUT, "/config", ctx -> Map.of("compatibility", service.setLevel(null, levelOf(ctx)).name()));
        on(router, HttpMethod.GET, "/config/:subject", ctx -> Map.of("compatibilityLevel",
                service.subjectLevel(subject(ctx), "true".equalsIgnoreCase(ctx.request().getParam("defaultToGlobal"))).name()));
        on(router, HttpMethod.PUT, "/config/:subject", ctx -> Map.of("compatibility", service.setLevel(subject(ctx), levelOf(ctx)).name()));
        on(router, HttpMethod.DELETE, "/config/:subject", ctx -> Map.of("compatibilityLevel", service.deleteLevel(subject(ctx)).name()));

        router.route().last().handler(ctx -> error(ctx, 404, 404, "HTTP 404 Not Found: " + ctx.request().method() + " " + ctx.request().path()
                + " is not part of the API this embedded registry serves"));
        return router;
    }

    /** A raw schema string answer (the /schema sub-resources return the schema itself as JSON). */
    private record Raw(String json) {
    }

    private static Raw raw(String schema) {
        return new Raw(schema);
    }

    private interface Call {
        Object handle(RoutingContext ctx) throws Exception;
    }

    private void on(Router router, HttpMethod method, String path, Call call) {
        String routeKey = method.name() + " " + path;
        Handler<RoutingContext> handler = ctx -> {
            total.incrementAndGet();
            perRoute.computeIfAbsent(routeKey, k -> new AtomicLong()).incrementAndGet();
            try {
                Object answer = call.handle(ctx);
                String body = answer instanceof Raw r ? r.json() : JSON.writeValueAsString(answer);
                ctx.response().setStatusCode(200).putHeader("Content-Type", CONTENT_TYPE).end(body);
            } catch (RegistryError e) {
                error(ctx, e.status, e.code, e.getMessage());
            } catch (Exception e) {
                LOG.warn("Embedded schema registry failed on {} {}", method, ctx.request().path(), e);
                error(ctx, 500, 50001, "Error in the backend data store: " + e);
            }
        };
        router.route(method, path).blockingHandler(handler, false);
    }

    private static void error(RoutingContext ctx, int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(JSON.writeValueAsString(body));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    private static Map<String, Object> version(RegistryState.Version v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", v.subject());
        out.put("version", v.version());
        out.put("id", v.id());
        out.put("schema", v.schema());
        return out;
    }

    private static Map<String, Object> compatibility(RoutingContext ctx, List<String> problems) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("is_compatible", problems.isEmpty());
        if ("true".equalsIgnoreCase(ctx.request().getParam("verbose"))) {
            out.put("messages", problems);
        }
        return out;
    }

    private List<RegistryState.Version> usages(RoutingContext ctx) {
        String subject = ctx.request().getParam("subject");
        return service.usages(id(ctx)).stream().filter(v -> subject == null || subject.isEmpty() || v.subject().equals(subject)).toList();
    }

    private static int id(RoutingContext ctx) {
        String text = ctx.pathParam("id");
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, 40403, "Schema not found: '" + text + "' is not a schema id.");
        }
    }

    private static String subject(RoutingContext ctx) {
        return ctx.pathParam("subject");
    }

    private static JsonNode body(RoutingContext ctx) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new RegistryError(422, 42201, "Invalid schema: the request body is empty; send {\"schema\": \"...\"}");
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new RegistryError(400, 400, "Unrecognized or malformed JSON body: " + e.getMessage());
        }
    }

    private static String schemaOf(RoutingContext ctx) {
        JsonNode body = body(ctx);
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryError(422, 42201, "Invalid schema: schemaType " + type + " is not supported by this embedded registry; only AVRO");
        }
        if (body.has("references") && body.get("references").size() > 0) {
            throw new RegistryError(422, 42201, "Invalid schema: schema references are not supported by this embedded registry");
        }
        JsonNode schema = body.get("schema");
        return schema == null || !schema.isTextual() ? null : schema.asText();
    }

    private static String levelOf(RoutingContext ctx) {
        JsonNode body = body(ctx);
        JsonNode level = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        return level == null ? null : level.asText();
    }
}
