package io.switchboard.simulator.internal;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.switchboard.simulator.SimulatorConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.concurrent.TimeUnit;

/** Owns the Vert.x instance and the HTTP server verticles (one per event loop, sharing one port). */
public final class SimServer implements AutoCloseable {

    private final SimState state;
    private final Vertx vertx;
    private final int port;

    private SimServer(SimState state, Vertx vertx, int port) {
        this.state = state;
        this.vertx = vertx;
        this.port = port;
    }

    /**
     * Starts and blocks until every event loop listens. Vert.x shares one listening socket between verticle
     * instances only when they ask for the same explicit port, so port 0 is first turned into a free port
     * (retried if another process takes it in between).
     */
    public static SimServer start(SimState state) throws Exception {
        int loops = state.config.eventLoops();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2));
        try {
            int attempts = state.config.port() == 0 ? 5 : 1;
            Exception last = null;
            for (int i = 0; i < attempts; i++) {
                int port = state.config.port() == 0 ? freePort(state.config.host()) : state.config.port();
                try {
                    vertx.deployVerticle(() -> new ServerVerticle(state, port), new DeploymentOptions().setInstances(loops))
                            .await(30, TimeUnit.SECONDS);
                    vertx.setPeriodic(60_000, id -> state.tokens.sweep());
                    return new SimServer(state, vertx, port);
                } catch (Exception e) {
                    last = e;
                }
            }
            throw last;
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public SimState state() {
        return state;
    }

    @Override
    public void close() {
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing is best effort; the sockets die with the process anyway
        }
    }

    static Router router(Vertx vertx, SimState s) {
        Http http = new Http(s, vertx);
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create(false).setBodyLimit(4 * 1024 * 1024));
        r.route().handler(http::prepare);
        new GenesysHandlers(s, http).mount(r);
        new CxoneHandlers(s, http).mount(r);
        new CognosHandlers(s, http).mount(r);
        new Auth0Handlers(s, http).mount(r);
        new OAuth2Handlers(s, http).mount(r);
        new AdminHandlers(s, http).mount(r);
        r.route().handler(ctx -> http.json(ctx, 404, new JsonObject().put("error", "not_found").put("error_description",
                "No simulated endpoint at " + ctx.request().method() + " " + ctx.request().path()
                        + "; vendors live under /genesys/login, /genesys/api, /cxone, /cognos, /auth0, /oauth2 (see docs/simulator.md)")));
        r.errorHandler(500, ctx -> {
            if (!ctx.response().ended()) {
                http.json(ctx, 500, new JsonObject().put("error", "server_error")
                        .put("error_description", "simulator failure: " + (ctx.failure() == null ? "unknown" : ctx.failure().toString())));
            }
        });
        return r;
    }

    static final class ServerVerticle extends VerticleBase {
        private final SimState state;
        private final int port;
        volatile HttpServer server;

        ServerVerticle(SimState state, int port) {
            this.state = state;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            HttpServerOptions options = new HttpServerOptions().setHost(state.config.host()).setPort(port)
                    .setTcpNoDelay(true).setCompressionSupported(false);
            SimulatorConfig.Tls tls = state.config.tls();
            if (tls != null) {
                // HTTPS as the vendors serve it: HTTP/2 through ALPN, falling back to HTTP/1.1
                options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(tls.certificate().toString()).setKeyPath(tls.privateKey().toString()));
            }
            return vertx.createHttpServer(options).requestHandler(router(vertx, state)).listen()
                    .onSuccess(s -> server = s);
        }
    }
}
